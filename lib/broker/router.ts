import { DEFAULT_MAX_JSON_DEPTH, encodeCall, encodeConfiguration, excerptOf, jsonDepthExceeds } from '../protocol';
import type { ConfigurationMessage, EventMessage, FunctionCallMessage } from '../protocol';
import type { BrokerContext } from './context';
import { DeliveryError } from './errors';
import { CallTooLargeError, buildParameters } from './flow-mapping';
import { FlowLimitError, StoredFlow } from './flows';
import type { ServiceRecord } from './registry';
import { Session } from './session';

/*
 * Where a message goes once the broker has accepted it: the flows an event matches, and the one
 * connection that registered a uuid. Every send to a service (a flow's call, `callFunction`, REST,
 * a configuration change) passes through deliver(), so the offline and encoding checks, the
 * limits and the "call"/"undeliverable" events are the same whoever sends. Storing and deploying
 * flows is here too: the router is what reads them.
 */

/** The flows and the delivery of server messages to services. */
export class Router {
  constructor(private readonly ctx: BrokerContext) {}

  /**
   * Runs the flows an accepted event matches. Nothing here may throw: the publisher has already
   * had its IO_PUBLISHED, and a second answer would be taken for the next event's.
   */
  route(e: EventMessage, source: ServiceRecord): void {
    const { registry, limits } = this.ctx;
    for (const { flow, route } of this.ctx.flowStore.matching(e.uuid, source.name, e.eventId)) {
      const target = registry.resolve(route.target);
      const targetUuid = target?.uuid ?? route.target;
      let parameters: Record<string, unknown>;
      try {
        parameters = buildParameters(e, route.mappings, limits.maxCallBytes);
      } catch (err) {
        if (err instanceof CallTooLargeError) this.ctx.refused.callBytes++;
        this.undeliverable(flow, targetUuid, route.functionId, e.correlationId, `mapping failed: ${(err as Error)?.message ?? String(err)}`);
        continue;
      }
      const call: FunctionCallMessage = {
        uuid: targetUuid,
        ...(e.correlationId !== undefined ? { correlationId: e.correlationId } : {}),
        functionId: route.functionId,
        functionParameters: parameters,
      };
      this.deliverCall(call, flow.id).catch((err: Error) =>
        this.undeliverable(flow, targetUuid, route.functionId, e.correlationId, err.message),
      );
    }
  }

  /** {@link Broker.callFunction}. */
  callFunction(uuid: string, functionId: string, parameters: Record<string, unknown>, correlationId?: string): Promise<boolean> {
    const call: FunctionCallMessage = {
      uuid,
      ...(correlationId !== undefined ? { correlationId } : {}),
      functionId,
      functionParameters: parameters,
    };
    return this.deliverCall(call);
  }

  /** {@link Broker.sendToService}. */
  sendToService(uuid: string, message: string): Promise<void> {
    return this.deliver(uuid, message, 'raw message').then(() => this.ctx.logger.info(`raw message → ${uuid}: ${excerptOf(message)}`));
  }

  /** {@link Broker.setConfig}. */
  setConfig(uuid: string, params: Record<string, unknown>): Promise<boolean> {
    const config: ConfigurationMessage = { uuid, params };
    const message = this.encodable(() => encodeConfiguration(config), 'configuration change', uuid);
    if (message instanceof DeliveryError) return Promise.reject(message);
    return this.deliver(uuid, message, 'configuration change').then(() => {
      this.ctx.logger.info(`configuration → ${uuid}: ${excerptOf(JSON.stringify(params))}`);
      this.ctx.emit('config', { uuid, config });
      return true;
    });
  }

  /**
   * Stores a flow (deployed or not), counting a refusal by its limit.
   *
   * @throws {FlowError} when the flow cannot be understood; {@link FlowLimitError} beyond a limit.
   */
  storeFlow(def: unknown, deployed: boolean): StoredFlow {
    let f: StoredFlow;
    try {
      f = this.ctx.flowStore.add(def, deployed);
    } catch (e) {
      if (e instanceof FlowLimitError) this.ctx.refused[e.limit === 'flows' ? 'flows' : 'flowBytes']++;
      throw e;
    }
    this.ctx.logger.info(`flow ${f.id} "${f.name}" stored${deployed ? ' and deployed' : ''} (${f.routes.length} routes)`);
    return f;
  }

  /** Starts or stops routing a stored flow; false when there is no such flow. */
  setDeployed(id: string | number, deployed: boolean): boolean {
    const f = this.ctx.flowStore.get(id);
    if (!f) return false;
    f.deployed = deployed;
    this.ctx.logger.info(`flow ${id} ${deployed ? 'deployed' : 'undeployed'}`);
    return true;
  }

  /** Deletes a flow; false when there is no such flow. */
  removeFlow(id: string | number): boolean {
    const ok = this.ctx.flowStore.remove(id);
    if (ok) this.ctx.logger.info(`flow ${id} deleted`);
    return ok;
  }

  private undeliverable(flow: StoredFlow, uuid: string, functionId: string, correlationId: string | undefined, reason: string): void {
    this.ctx.warnings.warn(`flow:${flow.id}`, `flow ${flow.id}: call ${functionId} → ${uuid} not delivered: ${reason}`);
    this.ctx.emit('undeliverable', { flowId: flow.id, uuid, functionId, ...(correlationId !== undefined ? { correlationId } : {}), reason });
  }

  private deliver(uuid: string, message: string, what: string): Promise<void> {
    const s = this.ctx.registry.get(uuid);
    if (!s) return Promise.reject(new DeliveryError('UNKNOWN_SERVICE', `cannot send ${what}: no service ${uuid} is registered`));
    const owner = s.owner;
    if (!owner || !owner.isOpen() || !(owner instanceof Session)) {
      return Promise.reject(new DeliveryError('OFFLINE', `cannot send ${what}: service ${uuid} is offline`));
    }
    return new Promise((resolve, reject) => {
      owner.send(message, (err) =>
        err ? reject(new DeliveryError('SEND_FAILED', `cannot send ${what} to ${uuid}: ${err.message}`)) : resolve(),
      );
    });
  }

  private deliverCall(call: FunctionCallMessage, flowId?: string | number): Promise<boolean> {
    // Calls built by flows are bounded (their size comes from other services' events); calls from
    // in-process code are trusted, and REST ones are bounded by maxBodyBytes already.
    const max = flowId !== undefined ? this.ctx.limits.maxCallBytes : Infinity;
    const message = this.encodable(() => encodeCall(call), `function call ${call.functionId}`, call.uuid, max);
    if (message instanceof DeliveryError) return Promise.reject(message);
    const s = this.ctx.registry.get(call.uuid);
    if (s && !s.functionIds.has(call.functionId)) {
      this.ctx.warnings.warn(`undeclared:${call.uuid}`, `call ${call.functionId} → ${call.uuid}: the service declared no such function (sent anyway)`);
    }
    return this.deliver(call.uuid, message, `function call ${call.functionId}`).then(() => {
      this.ctx.logger.info(
        `call ${call.functionId} → ${call.uuid}${flowId !== undefined ? ` (flow ${flowId})` : ''}${call.correlationId !== undefined ? ` (correlation ${call.correlationId})` : ''}`,
      );
      this.ctx.emit('call', { uuid: call.uuid, functionId: call.functionId, call, ...(flowId !== undefined ? { flowId } : {}) });
      return true;
    });
  }

  /**
   * Encodes a server message, or says why it cannot be sent: parameters that are no JSON (a
   * cycle, a BigInt), nest deeper than the receiving client's parser accepts (a flow mapping
   * can add levels to an event's payload), or exceed maxCallBytes. As a value, so callers
   * reject instead of throwing.
   */
  private encodable(encode: () => string, what: string, uuid: string, maxBytes = Infinity): string | DeliveryError {
    let message: string;
    try {
      message = encode();
    } catch (e) {
      return new DeliveryError('BAD_MESSAGE', `cannot send ${what} to ${uuid}: it cannot be encoded as JSON: ${(e as Error)?.message ?? String(e)}`);
    }
    const max = maxBytes;
    if (message.length > max || (message.length * 3 > max && Buffer.byteLength(message) > max)) {
      this.ctx.refused.callBytes++;
      return new DeliveryError('BAD_MESSAGE', `cannot send ${what} to ${uuid}: it is ${Buffer.byteLength(message)} bytes, more than the limit of ${max} (maxCallBytes)`);
    }
    if (jsonDepthExceeds(message, DEFAULT_MAX_JSON_DEPTH)) {
      return new DeliveryError('BAD_MESSAGE', `cannot send ${what} to ${uuid}: it nests more than ${DEFAULT_MAX_JSON_DEPTH} levels deep, more than an MSB client parses`);
    }
    return message;
  }
}
