import 'reflect-metadata';
import { Application, CorrelationId, DataType, Event, MsbEvent, MsbFunction, Payload } from '../lib';
import { DrillJob, DrillResult } from './drill';

/**
 * A small manufacturing execution system: it publishes drilling orders and hears back, through
 * integration flows, how each one went. The correlation id ties an answer to its order.
 */
@Application({
  uuid: '4f2b7a90-3c1d-4e8f-9a6b-1d2c3e4f5a6b',
  name: 'MES',
  description: 'Manufacturing execution system of hall B',
  token: '3e4f5a6b7c8d',
})
export class Mes {
  @Event({ dataType: DrillJob, description: 'A drilling order for a machine', priority: 'MEDIUM' })
  order!: MsbEvent<DrillJob>;

  /** Orders sent and not yet answered, by correlation id. */
  readonly open = new Map<string, { job: DrillJob; sentAt: number }>();
  /** Called for each answer; the demo prints them. */
  onAnswer: (answer: { correlationId?: string; ok: boolean; detail: string; roundTripMs?: number }) => void = () => undefined;

  /** Sends an order; resolves once the MSB has it queued or sent. */
  async sendOrder(job: DrillJob): Promise<string> {
    const correlationId = `order-${job.jobId}`;
    this.open.set(correlationId, { job, sentAt: Date.now() });
    await this.order.emit(job, { correlationId });
    return correlationId;
  }

  @MsbFunction({ id: 'jobDone', description: 'A machine finished an order' })
  jobDone(@Payload() result: DrillResult, @CorrelationId() correlationId?: string): void {
    const sent = correlationId ? this.open.get(correlationId) : undefined;
    if (correlationId) this.open.delete(correlationId);
    this.onAnswer({ correlationId, ok: true, detail: `job ${result.jobId} done in ${result.durationMs} ms`, roundTripMs: sent && Date.now() - sent.sentAt });
  }

  @MsbFunction({ id: 'jobFailed', description: 'A machine could not run an order', dataType: DataType.STRING })
  jobFailed(@Payload() reason: string, @CorrelationId() correlationId?: string): void {
    const sent = correlationId ? this.open.get(correlationId) : undefined;
    if (correlationId) this.open.delete(correlationId);
    this.onAnswer({ correlationId, ok: false, detail: reason, roundTripMs: sent && Date.now() - sent.sentAt });
  }
}
