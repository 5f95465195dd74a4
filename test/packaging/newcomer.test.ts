import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT, cleanEnv } from '../cli/processes';
import { Running } from '../cli/processes';
import { spawn } from 'node:child_process';

const exec = promisify(execFile);
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const LOCK = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version: string }> };
const DRILL_UUID = '76499d88-34cf-4836-8cc1-7e0d9c54dac1';

/** The code block that follows `marker` in the README. */
function block(marker: string, language: string): string {
  const at = README.indexOf(marker);
  if (at < 0) throw new Error(`README has no ${marker}`);
  const start = README.indexOf(`\`\`\`${language}\n`, at) + language.length + 4;
  return README.slice(start, README.indexOf('```', start));
}

/** What the README tells a user to install, at the versions this repository tests. */
const pinned = (name: string) => `${name}@${LOCK.packages[`node_modules/${name}`].version}`;

function run(cwd: string, command: string, args: string[], env: NodeJS.ProcessEnv = cleanEnv()): Running {
  return new Running(spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] }));
}

/** What the tsc installed in `cwd` prints (its diagnostics) when it fails; '' when it succeeds. */
function tsc(cwd: string, args: string[]): Promise<string> {
  return exec(process.execPath, [join(cwd, 'node_modules', 'typescript', 'bin', 'tsc'), ...args], { cwd }).then(() => '', (e: { stdout: string; stderr: string }) => e.stdout + e.stderr);
}

describe('a newcomer installs the packed package and runs the README quickstart (CommonJS and ESM)', function () {
  this.timeout(240_000);
  let dir: string;
  const running: Running[] = [];
  before(() => { dir = mkdtempSync(join(tmpdir(), 'msb-newcomer-')); });
  after(async () => {
    for (const r of running) { r.signal('SIGKILL'); await r.exited; }
    rmSync(dir, { recursive: true, force: true });
  });

  it('packs, installs next to the peer packages, compiles with the README tsconfigs, registers and answers a call', async () => {
    const { stdout } = await exec('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], { cwd: ROOT });
    const tarball = join(dir, stdout.trim().split('\n').pop()!);
    // One node_modules for both projects; each project's package.json says CommonJS or ESM.
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'newcomer', private: true }));
    await exec('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball,
      pinned('reflect-metadata'), pinned('class-validator'), pinned('class-transformer'), pinned('typescript'), pinned('@types/node')], { cwd: dir });
    const quickstart = block('<!-- quickstart -->', 'ts');
    expect(quickstart).to.contain('bootstrap(Drill');

    const broker = run(dir, join(dir, 'node_modules', '.bin', 'msb'), ['broker', '--port', '0']);
    running.push(broker);
    const [, port] = await broker.waitFor(/listening: websocket ws:\/\/127\.0\.0\.1:(\d+)/, 20_000);

    // Both projects compiled by one tsc process (build mode): half the CPU of two.
    for (const kind of ['commonjs', 'esm'] as const) {
      const project = join(dir, kind);
      mkdirSync(join(project, 'src'), { recursive: true });
      writeFileSync(join(project, 'package.json'), JSON.stringify({ name: `newcomer-${kind}`, private: true, type: kind === 'esm' ? 'module' : 'commonjs' }));
      writeFileSync(join(project, 'tsconfig.json'), block(`<!-- tsconfig: ${kind} -->`, 'json'));
      writeFileSync(join(project, 'src', 'quickstart.ts'), quickstart);
    }
    expect(await tsc(dir, ['-b', 'commonjs', 'esm']), 'tsc').to.equal('');

    for (const kind of ['commonjs', 'esm'] as const) {
      const project = join(dir, kind);
      const service = run(project, process.execPath, ['dist/quickstart.js'], cleanEnv({ MSB_URL: `ws://127.0.0.1:${port}` }));
      running.push(service);
      await service.waitFor(new RegExp(`Registered Drill 7 \\(${DRILL_UUID}\\) at ws://127\\.0\\.0\\.1:${port}`), 20_000);
      // as the README's third command: by name, waiting for the response
      const call = await exec(join(dir, 'node_modules', '.bin', 'msb'), ['call', 'Drill 7', 'drill', '{"dataObject":{"jobId":"J-1","depthMm":12}}', '--wait', '20000', '--url', `http://127.0.0.1:${port}`, '--correlation-id', kind], { cwd: dir });
      expect(JSON.parse(call.stdout), call.stderr).to.deep.include({ service: DRILL_UUID, eventId: 'drillFinished', correlationId: kind });
      await broker.waitFor(new RegExp(`event drillFinished from ${DRILL_UUID} \\(correlation ${kind}\\)`), 20_000);
      await service.waitFor(new RegExp(`drilling J-1 \\(correlation ${kind}\\)`), 20_000);
      service.signal('SIGINT');
      const { code } = await service.exited;
      expect(code, `${kind}: exit code; stderr:\n${service.stderr}`).to.equal(0);
    }
  });

  it('resolves the types of every subpath under node10, node16 and bundler resolution', async () => {
    const subpaths = join(dir, 'subpaths');
    mkdirSync(subpaths, { recursive: true });
    const use = [
      "import { bootstrap, DataType } from 'msb-decorators';",
      "import { startBroker } from 'msb-decorators/broker';",
      "import { testService } from 'msb-decorators/testing';",
      'export const uses: [typeof bootstrap, DataType, typeof startBroker, typeof testService] = [bootstrap, DataType.INT32, startBroker, testService];',
      '',
    ].join('\n');
    // skipLibCheck off once: the published .d.ts files themselves must compile, too. Checking them
    // means checking @types/node as well (7 s of CPU), so the other two resolutions skip it. One tsc
    // process in build mode checks the three projects.
    const settings = {
      node10: { module: 'commonjs', moduleResolution: 'node10', skipLibCheck: true },
      node16: { module: 'node16', moduleResolution: 'node16', skipLibCheck: false },
      bundler: { module: 'esnext', moduleResolution: 'bundler', skipLibCheck: true },
    };
    for (const [name, options] of Object.entries(settings)) {
      mkdirSync(join(subpaths, name));
      writeFileSync(join(subpaths, name, 'use.ts'), use);
      writeFileSync(join(subpaths, name, 'tsconfig.json'), JSON.stringify({ compilerOptions: { ...options, target: 'ES2022', strict: true, noEmit: true, types: ['node'] }, files: ['use.ts'] }));
    }
    expect(await tsc(dir, ['-b', ...Object.keys(settings).map((name) => join('subpaths', name))])).to.equal('');
  });
});
