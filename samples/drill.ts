import 'reflect-metadata';
import { IsBoolean, IsIn, IsString, Max, Min } from 'class-validator';
import {
  ConfigParam, CorrelationId, DataType, Event, MsbEvent, MsbFunction, OnConfigChange, Payload, Property, SmartObject,
  respond,
} from '../lib';
import type { ResponseEvent } from '../lib';

/** The materials the drill has programs for. */
export const MATERIALS = ['steel', 'aluminium', 'wood'] as const;

/** A drilling job, as an integration flow sends it to {@link Drill.drill}. */
export class DrillJob {
  @IsString() jobId!: string;

  // FLOAT, not DOUBLE: the PLC works in single precision.
  @Property(DataType.FLOAT, { description: 'Hole depth in millimetres' })
  @Min(0) @Max(50)
  depthMm!: number;

  @IsIn(MATERIALS) material!: (typeof MATERIALS)[number];
}

/** The outcome of a drilling job, published as the `drillFinished` event. */
export class DrillResult {
  @IsString() jobId!: string;
  @Property(DataType.INT64) durationMs!: number;
  @IsBoolean() ok!: boolean;
}

/** A pillar drill in hall B, exposed on the MSB as a smart object. */
@SmartObject({
  uuid: '76499d88-34cf-4836-8cc1-7e0d9c54dac1',
  name: 'Drill 7',
  description: 'Pillar drill in hall B',
  token: '5e0d9c54dac1',
})
export class Drill {
  @Event({ dataType: DataType.FLOAT, description: 'Spindle temperature in °C' })
  temperature!: MsbEvent<number>;

  @Event({ dataType: DrillResult, description: 'A drilling job finished', priority: 'HIGH' })
  drillFinished!: MsbEvent<DrillResult>;

  @Event({ dataType: DataType.STRING, description: 'A drilling job failed; the payload says why', priority: 'MEDIUM' })
  drillFailed!: MsbEvent<string>;

  @ConfigParam({ type: DataType.INT32 }) speedRpm = 1200;
  @ConfigParam() coolant = true;

  /** Drills one hole; answers with `drillFinished`, or `drillFailed` when the job cannot run. */
  @MsbFunction({ description: 'Drill one hole', responseEvents: ['drillFinished', 'drillFailed'] })
  async drill(@Payload() job: DrillJob, @CorrelationId() id?: string): Promise<ResponseEvent<DrillResult | string>> {
    void id; // the framework puts the call's correlation id on the response event itself
    if (job.material === 'steel' && !this.coolant) return respond('drillFailed', `job ${job.jobId}: steel needs coolant`);
    // Stands in for the machine: deeper holes and harder materials take longer.
    const factor = job.material === 'steel' ? 3 : job.material === 'aluminium' ? 2 : 1;
    const durationMs = Math.max(1, Math.round((job.depthMm * factor * 60_000) / this.speedRpm));
    await new Promise((resolve) => setTimeout(resolve, Math.min(durationMs, 200)));
    return respond('drillFinished', Object.assign(new DrillResult(), { jobId: job.jobId, durationMs, ok: true }));
  }

  /** Logs configuration changes pushed by the MSB. */
  @OnConfigChange()
  configChanged(changes: Partial<Pick<Drill, 'speedRpm' | 'coolant'>>): void {
    this.configLog.push(changes);
  }

  /** Configuration changes seen so far, newest last. */
  readonly configLog: Array<Partial<Pick<Drill, 'speedRpm' | 'coolant'>>> = [];
}
