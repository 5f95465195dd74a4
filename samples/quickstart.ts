import 'reflect-metadata';
import { IsString, Max, Min } from 'class-validator';
import {
  ConfigParam, CorrelationId, DataType, Event, MsbFunction, OnConfigChange, Payload, Property, SmartObject, bootstrap,
} from 'msb-decorators';
import type { MsbEvent } from 'msb-decorators';

class DrillJob {
  @IsString() jobId!: string;
  @Property(DataType.FLOAT) @Min(0) @Max(50) depthMm!: number;
}

class DrillResult {
  @IsString() jobId!: string;
  @Property(DataType.INT64) durationMs!: number;
}

@SmartObject({
  uuid: '76499d88-34cf-4836-8cc1-7e0d9c54dac1',
  name: 'Drill 7',
  description: 'Pillar drill in hall B',
  token: '5e0d9c54dac1',
})
export class Drill {
  @ConfigParam({ type: DataType.INT32 }) speedRpm = 1200;

  @Event({ description: 'spindle temperature', dataType: DataType.FLOAT })
  temperature!: MsbEvent<number>;

  @Event({ name: 'Drill finished', dataType: DrillResult, priority: 'HIGH' })
  drillFinished!: MsbEvent<DrillResult>;

  @MsbFunction({ description: 'drill a hole', responseEvents: ['drillFinished'] })
  async drill(@Payload() job: DrillJob, @CorrelationId() id?: string): Promise<DrillResult> {
    // job is a validated DrillJob; the result goes out as drillFinished with the call's correlation id
    console.log(`drilling ${job.jobId} (correlation ${id})`);
    return { jobId: job.jobId, durationMs: Math.round((job.depthMm * 60_000) / this.speedRpm) };
  }

  @OnConfigChange()
  onConfig(changes: Partial<Drill>): void {
    console.log('new configuration', changes);
  }
}

bootstrap(Drill, { url: process.env.MSB_URL ?? 'ws://localhost:8085' }).then(
  (app) => {
    const timer = setInterval(() => void app.instance.temperature.emit(21.5), 1000);
    process.once('SIGINT', () => {
      clearInterval(timer);
      void app.close();
    });
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
