import type { AppCounters } from './app-events';
import { formatMetrics } from '../util/prometheus';
import type { MetricFamily } from '../util/prometheus';

/** What {@link serviceMetrics} needs of an app: its uuid, name and counters. */
export interface MetricsSource {
  readonly uuid: string;
  readonly state: string;
  counters(): AppCounters;
}

const COUNTERS: Array<[keyof AppCounters, string, string]> = [
  ['accepted', 'msb_events_accepted_total', 'Events accepted by emit()'],
  ['acknowledged', 'msb_events_acknowledged_total', 'Events acknowledged by the MSB (IO_PUBLISHED), or written when it does not acknowledge'],
  ['refused', 'msb_events_refused_total', 'Events the MSB refused'],
  ['dropped', 'msb_events_dropped_total', 'Events dropped from the full offline cache'],
  ['resent', 'msb_events_resent_total', 'Events sent again after a connection loss'],
  ['restored', 'msb_events_restored_total', 'Events restored from the durable outbox at start'],
  ['unexpectedAcks', 'msb_unexpected_acks_total', 'IO_PUBLISHED answers that matched no event in flight'],
  ['reconnects', 'msb_reconnects_total', 'Reconnect attempts after losses'],
  ['registrations', 'msb_registrations_total', 'Registrations the MSB accepted'],
];

/**
 * A service's `counters()` in the Prometheus text format, labelled with its uuid, to serve at
 * `/metrics` next to the application's own metrics:
 *
 * ```ts
 * createServer((req, res) => res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE }).end(serviceMetrics(app))).listen(9464);
 * ```
 */
export function serviceMetrics(...apps: MetricsSource[]): string {
  const families: MetricFamily[] = COUNTERS.map(([key, name, help]) => ({
    name, help, type: 'counter', samples: apps.map((a) => ({ labels: { service: a.uuid }, value: a.counters()[key] })),
  }));
  families.push(
    { name: 'msb_events_queued', help: 'Events waiting to be sent (cached, or to be sent again)', type: 'gauge', samples: apps.map((a) => ({ labels: { service: a.uuid }, value: a.counters().queued })) },
    { name: 'msb_events_in_flight', help: 'Events sent and not yet acknowledged', type: 'gauge', samples: apps.map((a) => ({ labels: { service: a.uuid }, value: a.counters().inFlight })) },
    { name: 'msb_registered', help: '1 while the service is registered with the MSB', type: 'gauge', samples: apps.map((a) => ({ labels: { service: a.uuid }, value: a.state === 'registered' ? 1 : 0 })) },
  );
  return formatMetrics(families);
}
