import { IsIn, IsInt, IsString, Max, Min, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import {
  Application, ConfigParam, CorrelationId, DataType, Event, MsbEvent, MsbFunction, OnConfigChange, Payload, Property,
  SmartObject, respond,
} from '../../lib';
import type { ResponseEvent } from '../../lib';

export const DRILL_UUID = '76499d88-34cf-4836-8cc1-7e0d9c54dac1';

export class Tool {
  @IsString() name!: string;
  @Property(DataType.FLOAT) @Min(0) diameterMm!: number;
}

export class DrillJob {
  @IsString() jobId!: string;
  @Property(DataType.FLOAT) @Min(0) @Max(50) depthMm!: number;
  @IsIn(['steel', 'wood']) material!: string;
  @ValidateNested() @Type(() => Tool) tool?: Tool;
}

export class DrillResult {
  @IsString() jobId!: string;
  @IsInt() durationMs!: number;
}

/** A smart object with every kind of member the runtime handles. */
@SmartObject({ uuid: DRILL_UUID, name: 'Drill 7', description: 'Pillar drill in hall B', token: 'secret-token-1' })
export class TestDrill {
  @ConfigParam({ type: DataType.INT32 }) speedRpm = 1200;
  @ConfigParam() coolant = true;
  @ConfigParam() label = 'hall B';

  @Event({ dataType: DataType.STRING }) text!: MsbEvent<string>;
  @Event({ dataType: DataType.INT32 }) int32!: MsbEvent<number>;
  @Event({ dataType: DataType.INT64 }) int64!: MsbEvent<number>;
  @Event({ dataType: DataType.FLOAT }) float!: MsbEvent<number>;
  @Event({ dataType: DataType.DOUBLE }) double!: MsbEvent<number>;
  @Event({ dataType: DataType.DATETIME }) datetime!: MsbEvent<Date | string>;
  @Event({ dataType: DataType.BOOLEAN }) bool!: MsbEvent<boolean>;
  @Event({ dataType: DataType.BYTE }) bytes!: MsbEvent<Buffer | string>;
  @Event({ dataType: DataType.INT32, isArray: true }) int32s!: MsbEvent<number[]>;
  @Event({ dataType: DrillJob }) job!: MsbEvent<DrillJob>;
  @Event({ dataType: DrillJob, isArray: true }) jobs!: MsbEvent<DrillJob[]>;
  @Event({ priority: 'HIGH' }) pulse!: MsbEvent;
  @Event({ id: 'DRILL_FINISHED', dataType: DrillResult, priority: 'MEDIUM' }) finished!: MsbEvent<DrillResult>;
  @Event({ id: 'DRILL_FAILED', dataType: DataType.STRING }) failed!: MsbEvent<string>;
  @Event({ id: 'ECHOED', dataType: DataType.STRING }) echoed!: MsbEvent<string>;

  readonly calls: Array<{ fn: string; args: unknown[] }> = [];
  readonly configChanges: Array<Record<string, unknown>> = [];

  @MsbFunction({ responseEvents: ['DRILL_FINISHED', 'DRILL_FAILED'] })
  async drill(@Payload() job: DrillJob, @CorrelationId() correlationId?: string): Promise<ResponseEvent> {
    this.calls.push({ fn: 'drill', args: [job, correlationId] });
    await new Promise((r) => setImmediate(r));
    if (job.material === 'wood') return respond('DRILL_FAILED', `cannot drill ${job.material}`);
    return respond('DRILL_FINISHED', { jobId: job.jobId, durationMs: 1200 });
  }

  @MsbFunction({ id: 'ECHO', responseEvents: ['ECHOED'] })
  echo(@Payload() text: string, @CorrelationId() correlationId?: string): string {
    this.calls.push({ fn: 'echo', args: [text, correlationId] });
    return text;
  }

  @MsbFunction({ id: '/sum', dataType: DataType.INT32, isArray: true, responseEvents: ['int64'] })
  sum(@Payload() values: number[]): number {
    this.calls.push({ fn: 'sum', args: [values] });
    return values.reduce((a, b) => a + b, 0);
  }

  @MsbFunction({ id: 'when' })
  when(@Payload() at: Date): void {
    this.calls.push({ fn: 'when', args: [at] });
  }

  @MsbFunction({ id: 'THROWS' })
  throws(): void {
    this.calls.push({ fn: 'throws', args: [] });
    throw new Error('handler exploded');
  }

  @MsbFunction({ id: 'REJECTS' })
  async rejects(): Promise<void> {
    this.calls.push({ fn: 'rejects', args: [] });
    throw new Error('async handler failed');
  }

  @MsbFunction({ id: 'PULSE_BACK', responseEvents: ['pulse'] })
  pulseBack(): void {
    this.calls.push({ fn: 'pulseBack', args: [] });
  }

  @MsbFunction({ id: 'BAD_RESPONSE', responseEvents: ['DRILL_FINISHED'] })
  badResponse(): unknown {
    this.calls.push({ fn: 'badResponse', args: [] });
    return { jobId: 42 };
  }

  @OnConfigChange()
  onConfig(changes: Record<string, unknown>): void {
    this.configChanges.push(changes);
  }
}

/** A small application used where a second service is needed. */
@Application({ uuid: 'a9b1c3d5-0000-4000-8000-000000000001', name: 'MES', token: 'mes-token' })
export class TestMes {
  @Event({ dataType: DrillJob }) order!: MsbEvent<DrillJob>;
  readonly results: Array<{ value: unknown; correlationId?: string }> = [];

  @MsbFunction({ id: 'RESULT', dataType: DrillResult })
  result(@Payload() value: DrillResult, @CorrelationId() correlationId?: string): void {
    this.results.push({ value, correlationId });
  }
}
