import { expect } from 'chai';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

describe('.mocharc.json', () => {
  // It lists the test folders one by one, slowest first, so that parallel workers start the long
  // files early; a folder missing from the list would never run. test/packaging runs apart
  // (`npm run test:packaging`, in CI after npm test): it installs from the npm registry or cache.
  it('runs every folder of test/ that holds test files, but packaging', () => {
    const spec = (JSON.parse(readFileSync(join(ROOT, '.mocharc.json'), 'utf8')) as { spec: string[] }).spec;
    const listed = spec.map((glob) => /^dist\/test\/([^/*]+)\/\*\.test\.js$/.exec(glob)?.[1] ?? `not a folder glob: ${glob}`);
    const folders = readdirSync(join(ROOT, 'test'), { withFileTypes: true })
      .filter((d) => d.isDirectory() && d.name !== 'packaging' && readdirSync(join(ROOT, 'test', d.name)).some((f) => f.endsWith('.test.ts')))
      .map((d) => d.name);
    expect([...listed].sort()).to.deep.equal(folders.sort());
    expect(new Set(listed).size, 'each folder once').to.equal(listed.length);
    const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['test:packaging']).to.contain("'dist/test/packaging/*.test.js'");
    const ci = readFileSync(join(ROOT, '.ci', 'run'), 'utf8').split('\n');
    expect(ci.indexOf('npm run test:packaging'), 'CI runs it after npm test').to.be.greaterThan(ci.indexOf('npm test'));
    expect(ci.indexOf('npm test')).to.be.at.least(0);
  });
});
