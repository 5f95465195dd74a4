import { expect } from 'chai';
import { join } from 'node:path';
import { ESLint } from 'eslint';

const ROOT = join(__dirname, '..', '..', '..');

// `npm test` lints here, in a worker beside the other test files, rather than before them: the
// same check (`npm run lint`), at no cost in wall time.
describe('the code passes ESLint, the layer rules included', function () {
  this.timeout(120_000);

  it('lib, test, samples, bench and the configuration files have no problem', async () => {
    // The cache (as `npm run lint` keeps it) skips files unchanged since the last run, by content.
    const eslint = new ESLint({ cwd: ROOT, cache: true, cacheLocation: join(ROOT, 'node_modules', '.cache', 'eslintcache'), cacheStrategy: 'content' });
    const results = await eslint.lintFiles(['.']);
    const problems = results.flatMap((r) =>
      r.messages.map((m) => `${r.filePath.slice(ROOT.length + 1)}:${m.line}:${m.column} ${m.message} (${m.ruleId ?? 'parse'})`),
    );
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });
});
