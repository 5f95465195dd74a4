import 'reflect-metadata';
import { IsIn, IsInt, IsNumber, IsString, Min, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { CorrelationId, DataType, Event, MsbEvent, MsbFunction, Payload, SmartObject } from '../lib';

/** The services every client-side scenario measures; the bare client registers the same self-description. */
export const BENCH_UUID = 'b3c5e7a9-0000-4000-8000-00000000be01';

export class Tool {
  @IsString() name!: string;
  @IsNumber() @Min(0) diameterMm!: number;
}

/** A DTO event payload: a nested object and an array, as the issue asks. */
export class Measurement {
  @IsString() jobId!: string;
  @IsInt() @Min(0) count!: number;
  @IsIn(['steel', 'aluminium', 'wood']) material!: string;
  @ValidateNested() @Type(() => Tool) tool!: Tool;
  @IsNumber({}, { each: true }) samples!: number[];
}

@SmartObject({ uuid: BENCH_UUID, name: 'Bench drill', description: 'Benchmark service', token: 'bench-token' })
export class BenchService {
  @Event({ dataType: DataType.STRING }) text!: MsbEvent<string>;
  @Event({ dataType: Measurement }) measurement!: MsbEvent<Measurement>;
  @Event({ id: 'ECHOED', dataType: DataType.STRING }) echoed!: MsbEvent<string>;

  @MsbFunction({ id: 'ECHO', responseEvents: ['ECHOED'] })
  echo(@Payload() text: string, @CorrelationId() _correlationId?: string): string {
    return text;
  }
}

export const STRING_VALUE = 'spindle 21.5 degC, feed 0.12 mm/rev, ok';

/** A fresh payload per emit, as application code builds one. */
export function measurement(i: number): Measurement {
  return {
    jobId: `job-${i}`,
    count: i,
    material: 'steel',
    tool: { name: 'HSS 8 mm', diameterMm: 8 },
    samples: [21.5, 21.7, 21.9, 22.4, 22.8, 23.1, 23.0, 22.7, 22.5, 22.2],
  };
}

export type PayloadKind = 'string' | 'dto';

export const EVENT_OF: Record<PayloadKind, 'text' | 'measurement'> = { string: 'text', dto: 'measurement' };

/** The small service the broker-capacity scenario connects a thousand times (uuid replaced per copy). */
@SmartObject({ uuid: 'b3c5e7a9-0000-4000-8000-00000000be02', name: 'Load', description: 'Broker load service', token: 'load-token' })
export class LoadService {
  @Event({ id: 'ev', dataType: DataType.STRING }) ev!: MsbEvent<string>;

  @MsbFunction({ id: 'fn' })
  fn(@Payload() _text: string): void {
    return undefined;
  }
}
