import 'reflect-metadata';
import { DataType, Event, Gateway, MsbFunction, Payload, SmartObject, bootstrap } from '../lib';
import type { BootstrapOptions, MsbApp, MsbEvent } from '../lib';
import { Drill } from './drill';

/** A press behind the gateway's fieldbus; it has no MSB client of its own. */
@SmartObject({ uuid: '9b8a7c6d-5e4f-4a3b-8c2d-1e0f2a3b4c5d', name: 'Press 3', description: 'Hydraulic press in hall B', token: '1e0f2a3b4c5d' })
export class Press {
  @Event({ dataType: DataType.FLOAT, description: 'Pressing force in kN' }) force!: MsbEvent<number>;
  @Event({ dataType: DataType.STRING, description: 'A part was pressed' }) pressed!: MsbEvent<string>;

  @MsbFunction({ id: 'press', description: 'Press one part', dataType: DataType.STRING, responseEvents: ['pressed'] })
  press(@Payload() partId: string): string {
    return partId;
  }
}

/** The gateway of hall B: one connection and one registration for the machines behind it. */
@Gateway({ uuid: '0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5', name: 'Hall B gateway', description: 'Fieldbus gateway of hall B', token: '8091a2b3c4d5' })
export class HallBGateway {
  @Event({ dataType: DataType.STRING, description: 'A machine stopped answering on the fieldbus', priority: 'HIGH' })
  machineLost!: MsbEvent<string>;
}

/** Starts the gateway with the drill and the press as its sub-services. */
export function startGateway(url: string, options: BootstrapOptions<HallBGateway> = {}): Promise<MsbApp<HallBGateway>> {
  return bootstrap(HallBGateway, { url, services: [Drill, new Press()], closeOnSignals: ['SIGINT', 'SIGTERM'], ...options });
}

if (require.main === module) {
  startGateway(process.argv[2] ?? process.env.MSB_URL ?? 'ws://localhost:8085').catch((e: unknown) => {
    console.error((e as Error).message);
    process.exitCode = 1;
  });
}
