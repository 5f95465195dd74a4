import { CorrelationId, DataType, Event, MsbEvent, MsbFunction, Payload, SmartObject, Application, ConfigParam } from '../../lib';

export const PRODUCER_UUID = '5d1c9a30-8b7e-4f6a-9c2d-3e4f5a6b7c8d';
export const SINK_UUID = '6e2d0b41-9c8f-4a7b-8d3e-4f5a6b7c8d9e';

/** Publishes numbered events; the fault tests check that every one arrives once and in order. */
@SmartObject({ uuid: PRODUCER_UUID, name: 'Producer', token: 'producer-token' })
export class Producer {
  @ConfigParam({ type: DataType.INT32 }) rate = 1000;
  @Event({ dataType: DataType.INT64 }) tick!: MsbEvent<number>;
}

/** Receives the producer's events as function calls through a flow. */
@Application({ uuid: SINK_UUID, name: 'Sink', token: 'sink-token' })
export class Sink {
  readonly received: number[] = [];
  readonly correlationIds: Array<string | undefined> = [];

  @MsbFunction({ id: 'collect', dataType: DataType.INT64 })
  collect(@Payload() n: number, @CorrelationId() correlationId?: string): void {
    this.received.push(n);
    this.correlationIds.push(correlationId);
  }
}

/** The flow from Producer.tick to Sink.collect. */
export const TICK_FLOW = { name: 'ticks', from: { service: PRODUCER_UUID, event: 'tick' }, to: { service: SINK_UUID, function: 'collect' } };
