import 'reflect-metadata';
import { CorrelationId, DataType, Event, MsbEvent, MsbFunction, Payload, SmartObject } from '../lib';

/**
 * A service with simple payload types only. Kept apart from services.ts, which imports
 * class-validator for its DTOs: this one measures what a service costs without them.
 */
@SmartObject({ uuid: 'b3c5e7a9-0000-4000-8000-00000000be03', name: 'Bench sensor', description: 'Benchmark service without DTOs', token: 'bench-token' })
export class SimpleService {
  @Event({ dataType: DataType.DOUBLE }) temperature!: MsbEvent<number>;
  @Event({ dataType: DataType.STRING }) text!: MsbEvent<string>;
  @Event({ id: 'ECHOED', dataType: DataType.STRING }) echoed!: MsbEvent<string>;

  @MsbFunction({ id: 'ECHO', responseEvents: ['ECHOED'] })
  echo(@Payload() text: string, @CorrelationId() _correlationId?: string): string {
    return text;
  }
}
