/**
 * `msb-decorators/testing`: build a service as `bootstrap` does, without a socket or a broker.
 * Imports nothing of the broker.
 */
export { testService } from './test-service';
export type { EmittedEvent, ServiceTestBed, TestCallOptions, TestServiceOptions } from './test-service';
