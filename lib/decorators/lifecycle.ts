import { appendOwnMetadata, assertLegacyCall, LIFECYCLE_KEY } from './keys';

/** The moments of a service's life that a method can be told about. */
export type LifecycleHook = 'registered' | 'disconnected' | 'close';

/** What a lifecycle decorator records for one method. */
export interface LifecycleDeclaration {
  hook: LifecycleHook;
  methodName: string;
}

function hookDecorator(hook: LifecycleHook, name: string): MethodDecorator {
  return (target, propertyKey) => {
    assertLegacyCall(`@${name}`, propertyKey);
    appendOwnMetadata<LifecycleDeclaration>(LIFECYCLE_KEY, { hook, methodName: String(propertyKey) }, target.constructor);
  };
}

/**
 * Marks a method called after every registration with the MSB (the first one, and each one
 * after a reconnect or a configuration change). Not awaited by the runtime; a failure is
 * reported as an `error` app event.
 */
export function OnRegistered(): MethodDecorator {
  return hookDecorator('registered', 'OnRegistered');
}

/**
 * Marks a method called when an open connection to the MSB is lost (once per connection, not
 * for each failed attempt to reconnect), with `{ code, reason, reconnectInMs? }`. A failure is
 * reported as an `error` app event.
 */
export function OnDisconnected(): MethodDecorator {
  return hookDecorator('disconnected', 'OnDisconnected');
}

/**
 * Marks a method awaited when the service closes, before its queued events are flushed: it may
 * still emit final events, and release what it holds. Bounded by `closeTimeoutMs`.
 */
export function OnClose(): MethodDecorator {
  return hookDecorator('close', 'OnClose');
}
