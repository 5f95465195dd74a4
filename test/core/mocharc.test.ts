import { expect } from 'chai';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

describe('.mocharc.json', () => {
  // It lists the test folders one by one, slowest first, so that parallel workers start the long
  // files early; a folder missing from the list would never run.
  it('runs every folder of test/ that holds test files', () => {
    const spec = (JSON.parse(readFileSync(join(ROOT, '.mocharc.json'), 'utf8')) as { spec: string[] }).spec;
    const listed = spec.map((glob) => /^dist\/test\/([^/*]+)\/\*\.test\.js$/.exec(glob)?.[1] ?? `not a folder glob: ${glob}`);
    const folders = readdirSync(join(ROOT, 'test'), { withFileTypes: true })
      .filter((d) => d.isDirectory() && readdirSync(join(ROOT, 'test', d.name)).some((f) => f.endsWith('.test.ts')))
      .map((d) => d.name);
    expect([...listed].sort()).to.deep.equal(folders.sort());
    expect(new Set(listed).size, 'each folder once').to.equal(listed.length);
  });
});
