import { IsEmail, IsString } from 'class-validator';
import { compileCodec } from '../../lib/schema/value-codec';
import { Measurement } from '../services';
import { median, nowMs } from '../common';

/** A DTO with a rule that has no data-format keyword, so class-validator runs for it. */
class Contact {
  @IsString() name!: string;
  @IsEmail() email!: string;
}

function perValueUs(check: () => unknown, n: number): number {
  for (let i = 0; i < Math.min(n, 2000); i++) check();
  const runs: number[] = [];
  for (let r = 0; r < 3; r++) {
    const t = nowMs();
    for (let i = 0; i < n; i++) check();
    runs.push(((nowMs() - t) * 1000) / n);
  }
  return median(runs);
}

/**
 * The client-side cost of checking one outgoing DTO value, in this process, without sockets: the
 * part of a DTO event that validation adds. The throughput rows include it among the broker's and
 * the network's costs; this row shows it alone and steadily.
 */
export function dtoCheckCost(n: number): { validUs: number; invalidUs: number; classValidatorUs: number } {
  const codec = compileCodec({ kind: 'dto', target: Measurement });
  const valid = { jobId: 'J-1', count: 3, material: 'steel', tool: { name: 'HSS', diameterMm: 6 }, samples: [1.5, 2.5, 3.5] };
  const invalid = { ...valid, count: -1, tool: { name: 7, diameterMm: 6 } };
  if (!codec.toWire(valid).ok || codec.toWire(invalid).ok) throw new Error('dto-check: the sample values are not what they should be');
  const contact = compileCodec({ kind: 'dto', target: Contact });
  const person = { name: 'Ada', email: 'ada@example.com' };
  if (!contact.toWire(person).ok) throw new Error('dto-check: the contact sample is not valid');
  return {
    validUs: perValueUs(() => codec.toWire(valid), n),
    invalidUs: perValueUs(() => codec.toWire(invalid), Math.ceil(n / 20)),
    classValidatorUs: perValueUs(() => contact.toWire(person), Math.ceil(n / 20)),
  };
}
