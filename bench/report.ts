import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { cpus, totalmem } from 'node:os';

/** One line of the results table. `ratio` is ours / bare, `officialRatio` official / bare. */
export interface Row {
  metric: string;
  unit: string;
  ours?: number;
  bare?: number;
  ratio?: number;
  /** The official MSB Node.js client (@vfk_research/msb-client-websocket-nodejs). */
  official?: number;
  officialRatio?: number;
  /** Human-readable target, e.g. "ratio ≥ 0.75". */
  target?: string;
  pass?: boolean;
  note?: string;
}

export interface Machine {
  date: string;
  node: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  quick: boolean;
}

export function machine(quick: boolean): Machine {
  const list = cpus();
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpu: list[0]?.model ?? 'unknown',
    cores: list.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    quick,
  };
}

function fmt(n: number | undefined): string {
  if (n === undefined || Number.isNaN(n)) return '–';
  const a = Math.abs(n);
  if (a >= 10_000) return Math.round(n).toLocaleString('en-US');
  if (a >= 100) return n.toFixed(0);
  if (a >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

const ratioText = (r: number | undefined): string => (r === undefined || Number.isNaN(r) ? '–' : r.toFixed(2));

/** The table, then `notes` as a list below it. Targets apply to ours (the `ratio` column). */
export function markdownTable(rows: readonly Row[], m: Machine, notes: readonly string[] = []): string {
  const lines = [
    `Benchmark ${m.date.slice(0, 10)} · node ${m.node} · ${m.cpu} · ${m.cores} cores${m.quick ? ' · QUICK run (short, noisy)' : ''}`,
    '',
    '| metric | ours | bare | ratio | official | official / bare | target | pass |',
    '|---|---:|---:|---:|---:|---:|---|:---:|',
  ];
  for (const r of rows) {
    const pass = r.pass === undefined ? '' : r.pass ? '✅ pass' : '❌ FAIL';
    const metric = `${r.metric} (${r.unit})${r.note ? ` — ${r.note}` : ''}`;
    lines.push(`| ${metric} | ${fmt(r.ours)} | ${fmt(r.bare)} | ${ratioText(r.ratio)} | ${fmt(r.official)} | ${ratioText(r.officialRatio)} | ${r.target ?? ''} | ${pass} |`);
  }
  if (notes.length > 0) lines.push('', ...notes.map((n) => `- ${n}`));
  return lines.join('\n');
}

export function writeJson(file: string, data: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
}
