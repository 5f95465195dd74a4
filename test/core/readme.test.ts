import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

describe('README', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

  it('shows samples/quickstart.ts verbatim as its usage example, so the example compiles with the project', () => {
    const sample = readFileSync(join(ROOT, 'samples', 'quickstart.ts'), 'utf8');
    expect(readme).to.contain(`\`\`\`ts\n${sample}\`\`\``);
  });

  it('names the two commands and the test command', () => {
    expect(readme).to.contain('npm install').and.contain('npm start').and.contain('npm test');
  });
});
