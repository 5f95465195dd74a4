import { formatMetrics } from '../util/prometheus';
import type { MetricFamily } from '../util/prometheus';
import type { BrokerEvents } from './broker-events';
import type { BrokerStats } from './options';

/** What the metrics read from a broker: its events and its `stats()`. */
export interface MetricsBroker {
  on<K extends keyof BrokerEvents>(event: K, listener: (...args: BrokerEvents[K]) => void): unknown;
  stats(): BrokerStats;
}

/**
 * The broker's metrics in the Prometheus text format: counters kept from the broker's own events
 * (registrations, events acknowledged, calls routed and undeliverable per flow, rejections by
 * status, protocol errors) plus the gauges and limit counters of `stats()`.
 */
export class BrokerMetrics {
  private registrations = 0;
  private eventsAcknowledged = 0;
  private connectionsOpened = 0;
  private protocolErrors = 0;
  private readonly routed = new Map<string, number>();
  private readonly undeliverable = new Map<string, number>();
  private readonly rejected = new Map<string, number>();

  constructor(private readonly broker: MetricsBroker) {
    broker.on('registered', () => { this.registrations++; });
    broker.on('event', () => { this.eventsAcknowledged++; });
    broker.on('connection', () => { this.connectionsOpened++; });
    broker.on('protocolError', () => { this.protocolErrors++; });
    broker.on('call', ({ flowId }) => { if (flowId !== undefined) increment(this.routed, String(flowId)); });
    broker.on('undeliverable', ({ flowId }) => increment(this.undeliverable, String(flowId)));
    broker.on('rejected', ({ status }) => increment(this.rejected, status));
  }

  /** The current values, as `GET /metrics` serves them. */
  text(): string {
    const s = this.broker.stats();
    const gauge = (name: string, help: string, value: number): MetricFamily => ({ name, help, type: 'gauge', samples: [{ value }] });
    const counter = (name: string, help: string, value: number): MetricFamily => ({ name, help, type: 'counter', samples: [{ value }] });
    const byLabel = (name: string, help: string, label: string, values: Map<string, number>): MetricFamily => ({
      name, help, type: 'counter', samples: [...values].map(([k, value]) => ({ labels: { [label]: k }, value })),
    });
    return formatMetrics([
      gauge('msb_broker_services_online', 'Registered services with a live connection', s.onlineServices),
      gauge('msb_broker_services', 'Services held (online and remembered offline)', s.services),
      gauge('msb_broker_connections', 'Open websocket connections', s.connections),
      gauge('msb_broker_flows', 'Integration flows stored', s.flows),
      gauge('msb_broker_registry_bytes', 'Bytes of self-descriptions held', s.registryBytes),
      gauge('msb_broker_queued_messages', 'Messages received and not yet handled', s.queuedMessages),
      counter('msb_broker_connections_opened_total', 'Websocket connections opened', this.connectionsOpened),
      counter('msb_broker_registrations_total', 'Registrations and re-registrations accepted', this.registrations),
      counter('msb_broker_messages_handled_total', 'Messages handled', s.messagesHandled),
      counter('msb_broker_events_acknowledged_total', 'Events accepted and acknowledged (IO_PUBLISHED)', this.eventsAcknowledged),
      counter('msb_broker_protocol_errors_total', 'Frames or messages that could not be understood', this.protocolErrors),
      byLabel('msb_broker_calls_routed_total', 'Function calls a flow routed', 'flow', this.routed),
      byLabel('msb_broker_calls_undeliverable_total', 'Function calls a flow produced that could not be delivered', 'flow', this.undeliverable),
      byLabel('msb_broker_rejected_total', 'Registrations, events and upgrades refused, by status', 'status', this.rejected),
      {
        name: 'msb_broker_limit_refusals_total', help: 'Times a limit refused something, by limit', type: 'counter',
        samples: Object.entries(s.refused).map(([limit, value]) => ({ labels: { limit }, value })),
      },
      counter('msb_broker_throttled_total', 'Times a flooding connection was paused until its backlog was handled', s.throttled),
    ]);
  }
}

function increment(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}
