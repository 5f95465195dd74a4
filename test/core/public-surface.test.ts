import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

describe('the public surface', () => {
  it('the root export loads no broker module into a service process', () => {
    const loaded = execFileSync(process.execPath, ['-e', `
      require(${JSON.stringify(join(ROOT, 'dist', 'lib', 'index.js'))});
      console.log(JSON.stringify(Object.keys(require.cache).filter((k) => k.includes('/dist/lib/broker/'))));
    `], { encoding: 'utf8' });
    expect(JSON.parse(loaded)).to.deep.equal([]);
  });

  it('publishes no @internal member and no constructible MsbApp in the type declarations', () => {
    const app = readFileSync(join(ROOT, 'dist', 'lib', 'client', 'app.d.ts'), 'utf8');
    expect(app).to.not.match(/@internal/);
    expect(app).to.not.match(/constructor\(/);
    const index = readFileSync(join(ROOT, 'dist', 'lib', 'index.d.ts'), 'utf8');
    expect(index).to.match(/export type \{ MsbApp \}/);
  });

  it('the broker subpath exports the broker and its types, not its internals', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const broker = require(join(ROOT, 'dist', 'lib', 'broker', 'index.js')) as Record<string, unknown>;
    expect(Object.keys(broker).sort()).to.deep.equal(['CallTooLargeError', 'DEFAULT_LIMITS', 'DashboardFilesError', 'DeliveryError', 'FlowError', 'FlowLimitError', 'startBroker']);
  });
});
