import { expect } from 'chai';
import { EventEmitter } from 'node:events';
import { DeliveryError, FlowLimitError } from '../../lib/broker';
import type { BrokerEvents } from '../../lib/broker';
import { BrokerContext } from '../../lib/broker/context';
import type { BrokerOptions } from '../../lib/broker/options';
import type { ServiceRecord } from '../../lib/broker/registry';
import { Router } from '../../lib/broker/router';

const made: BrokerContext[] = [];

/** A router over a fresh broker state, and the "undeliverable" events it emitted. */
function routerWith(options: BrokerOptions = {}): { router: Router; ctx: BrokerContext; undeliverable: Array<BrokerEvents['undeliverable'][0]> } {
  const emitter = new EventEmitter<BrokerEvents>();
  const undeliverable: Array<BrokerEvents['undeliverable'][0]> = [];
  emitter.on('undeliverable', (u) => undeliverable.push(u));
  const ctx = new BrokerContext(options, emitter);
  made.push(ctx);
  return { router: new Router(ctx), ctx, undeliverable };
}

/** Rejections of `p`, as the error, or a failure naming what resolved. */
async function rejection(p: Promise<unknown>): Promise<Error> {
  const outcome = await p.then((v) => ({ value: v }), (e: Error) => ({ error: e }));
  if ('value' in outcome) expect.fail(`expected a rejection, got ${JSON.stringify(outcome.value)}`);
  return outcome.error;
}

const source = { uuid: 'src', name: 'Source' } as ServiceRecord;
const event = (dataObject: unknown): { uuid: string; eventId: string; priority: 0; postDate: string; dataObject: unknown; correlationId: string } =>
  ({ uuid: 'src', eventId: 'ev', priority: 0, postDate: '2026-01-01T00:00:00Z', dataObject, correlationId: 'k1' });

describe('broker: the router, without a socket', () => {
  afterEach(() => {
    for (const ctx of made.splice(0)) ctx.warnings.close();
  });

  it('stores flows within maxFlows and maxFlowBytes, counting each refusal by its limit', () => {
    const { router, ctx } = routerWith({ maxFlows: 1, maxFlowBytes: 300 });
    const flow = { from: { service: 'src', event: 'ev' }, to: { service: 'dst', function: 'fn' } };
    expect(router.storeFlow(flow, true).id).to.equal(1);
    expect(() => router.storeFlow(flow, true)).to.throw(FlowLimitError, 'maxFlows');
    expect(() => router.storeFlow({ ...flow, name: 'x'.repeat(300) }, true)).to.throw(FlowLimitError, 'maxFlowBytes');
    expect(ctx.refused).to.deep.include({ flows: 1, flowBytes: 1 });
  });

  it('deploys, undeploys and removes by id; false for an unknown id; an undeployed flow routes nothing', () => {
    const { router, ctx } = routerWith();
    const id = router.storeFlow({ from: { service: 'src', event: 'ev' }, to: { service: 'dst', function: 'fn' } }, true).id;
    expect(router.setDeployed(id, false)).to.equal(true);
    expect(ctx.flowStore.matching('src', 'Source', 'ev')).to.deep.equal([]);
    expect(router.setDeployed(id, true)).to.equal(true);
    expect(ctx.flowStore.matching('src', 'Source', 'ev')).to.have.length(1);
    expect(router.setDeployed(99, true)).to.equal(false);
    expect(router.removeFlow(99)).to.equal(false);
    expect(router.removeFlow(id)).to.equal(true);
    expect(ctx.flowStore.size).to.equal(0);
  });

  it('rejects a call or configuration change it cannot deliver with a DeliveryError naming why', async () => {
    const { router } = routerWith();
    const unknown = await rejection(router.callFunction('nobody', 'fn', {}));
    expect(unknown).to.be.instanceOf(DeliveryError).and.to.include({ code: 'UNKNOWN_SERVICE' });
    expect(unknown.message).to.equal('cannot send function call fn: no service nobody is registered');
    const noJson = await rejection(router.setConfig('nobody', { big: 1n }));
    expect(noJson).to.be.instanceOf(DeliveryError).and.to.include({ code: 'BAD_MESSAGE' });
    expect(noJson.message).to.match(/^cannot send configuration change to nobody: it cannot be encoded as JSON: /);
  });

  it('routes an event to undeliverable, never throwing: a mapping over maxCallBytes, a target nobody registered', async () => {
    const { router, ctx, undeliverable } = routerWith({ maxCallBytes: 120 });
    router.storeFlow({ id: 'big', from: { service: 'src', event: 'ev' }, to: { service: 'dst', function: 'fn' } }, true);
    router.route(event('x'.repeat(200)), source);
    expect(undeliverable).to.have.length(1);
    expect(undeliverable[0]).to.deep.include({ flowId: 'big', uuid: 'dst', functionId: 'fn', correlationId: 'k1' });
    expect(undeliverable[0].reason).to.match(/^mapping failed: the call would be at least \d+ bytes, more than the limit of 120 \(maxCallBytes\)/);
    expect(ctx.refused.callBytes).to.equal(1);
    router.route(event('small'), source);
    // delivery is asynchronous: the refusal comes as a rejection, turned into the event
    await new Promise((resolve) => setImmediate(resolve));
    expect(undeliverable).to.have.length(2);
    expect(undeliverable[1].reason).to.equal('cannot send function call fn: no service dst is registered');
  });
});
