import type { BrokerContext } from './context';
import type { RestBackend } from './rest-routes';
import type { Router } from './router';

/*
 * What the REST API may do to a broker, and nothing more: the routes (rest-routes.ts) see this object,
 * never the broker, so a route cannot reach a session or a limit counter it was not given.
 */

/** The REST API's view of one broker. */
export function restBackend(
  ctx: BrokerContext,
  router: Router,
  broker: { websocketUrl(): string; metricsText(): string },
): RestBackend {
  const { limits: l, logger, registry, tokens, options } = ctx;
  return {
    maxBodyBytes: l.maxBodyBytes,
    // a listing of a full registry, twice over
    responses: { inFlight: 0, max: 2 * l.maxRegistryBytes, refused: 0 },
    ...(options.adminSecret !== undefined ? { adminSecret: options.adminSecret } : {}),
    issueToken: (owner) => {
      if (options.issueTokens === false) return { status: 403, error: 'this broker issues no tokens (issueTokens: false)' };
      const token = tokens.issue(owner);
      if (token === undefined) {
        ctx.refused.tokens++;
        ctx.warnings.warn('tokens', `token for owner ${owner} refused: ${l.maxTokens} tokens issued already (maxTokens)`);
        return { status: 429, error: `this broker has issued its maximum of ${l.maxTokens} tokens (maxTokens)` };
      }
      logger.info(`token issued for owner ${owner}`);
      return { token };
    },
    serviceRecords: () => registry.list(),
    serviceRecord: (uuid) => registry.get(uuid),
    forgetService: (uuid) => {
      const r = registry.delete(uuid);
      if (r === 'deleted') logger.info(`service ${uuid} deleted`);
      return r;
    },
    sendConfig: (uuid, params) => router.setConfig(uuid, params),
    sendCall: (uuid, f, p, c) => router.callFunction(uuid, f, p, c),
    storeFlow: (def, deployed) => router.storeFlow(def, deployed),
    flowList: () => ctx.flowStore.list(),
    flow: (id) => ctx.flowStore.get(id),
    setFlowDeployed: (id, deployed) => router.setDeployed(id, deployed),
    removeFlow: (id) => router.removeFlow(id),
    events: ctx.eventStream,
    metricsText: () => broker.metricsText(),
    websocketUrl: () => broker.websocketUrl(),
  };
}
