import { expect } from 'chai';
import { join } from 'node:path';
import { ESLint } from 'eslint';

const ROOT = join(__dirname, '..', '..', '..');

/** The layer rule's messages for `code` as if it were the file `path` of lib/. */
async function layerProblems(path: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: ROOT });
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, path) });
  return result.messages.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message);
}

describe('the layers are enforced by the linter', function () {
  this.timeout(30_000);

  it('refuses the imports that go against the direction of the layers', async () => {
    const refused: Array<[string, string]> = [
      ['lib/client/x.ts', "import { startBroker } from '../broker';\nexport const s = startBroker;\n"],
      ['lib/broker/x.ts', "import { bootstrap } from '../client/bootstrap';\nexport const b = bootstrap;\n"],
      ['lib/broker/x.ts', "import { PING } from '../protocol/messages';\nexport const p = PING;\n"],
      ['lib/protocol/x.ts', "import { DataType } from '../schema/data-type';\nexport const d = DataType;\n"],
      ['lib/decorators/x.ts', "import { DataType } from '../schema/data-type';\nexport const d = DataType;\n"],
      ['lib/schema/x.ts', "import { loadService } from '../metadata/load-service';\nexport const l = loadService;\n"],
      // the command line uses the package as its users do
      ['lib/cli/x.ts', "import { SERVICE_KEY } from '../decorators/keys';\nexport const k = SERVICE_KEY;\n"],
      ['lib/cli/x.ts', "import { selfDescriptionOf } from '../metadata/self-description';\nexport const s = selfDescriptionOf;\n"],
      ['lib/cli/x.ts', "import { isPlainObject } from '../protocol';\nexport const p = isPlainObject;\n"],
      ['lib/cli/x.ts', "import { compileFlow } from '../broker/flows';\nexport const c = compileFlow;\n"],
      ['lib/cli/x.ts', "import type { Registry } from '../broker/registry';\nexport type R = Registry;\n"],
      ['lib/cli/x.ts', "import { testService } from '../testing/test-service';\nexport const t = testService;\n"],
      ['lib/cli/x.ts', "import { MsbError } from '../errors';\nexport const e = MsbError;\n"],
      // the AsyncAPI export: only index.ts reads metadata; the broker serves plain self-descriptions
      ['lib/asyncapi/x.ts', "import { inspectService } from '../metadata/read-service';\nexport const i = inspectService;\n"],
      ['lib/asyncapi/index.ts', "import { startBroker } from '../broker';\nexport const s = startBroker;\n"],
      ['lib/broker/x.ts', "import { asyncApiOf } from '../asyncapi';\nexport const a = asyncApiOf;\n"],
      ['lib/broker/x.ts', "import { asyncApiOf } from '../asyncapi/index';\nexport const a = asyncApiOf;\n"],
      // the test bed never starts a broker
      ['lib/testing/x.ts', "import { startBroker } from '../broker';\nexport const s = startBroker;\n"],
    ];
    for (const [path, code] of refused) {
      expect(await layerProblems(path, code), `${path}: ${code}`).to.have.length(1);
    }
  });

  it('accepts the imports the layers allow', async () => {
    const allowed: Array<[string, string]> = [
      ['lib/client/x.ts', "import { PING } from '../protocol';\nexport const p = PING;\n"],
      ['lib/decorators/x.ts', "import type { TypeInput } from '../schema/type-ref';\nexport type T = TypeInput;\n"],
      ['lib/broker/x.ts', "import { MsbError } from '../errors';\nexport const e = MsbError;\n"],
      ['lib/cli/x.ts', "import { MsbError, selfDescriptionOf } from '../index';\nexport const m = [MsbError, selfDescriptionOf];\n"],
      ['lib/cli/x.ts', "import { bootstrap } from '..';\nexport const b = bootstrap;\n"],
      ['lib/cli/x.ts', "import { startBroker } from '../broker';\nimport type { BrokerLogger } from '../broker';\nexport const s = startBroker;\nexport type L = BrokerLogger;\n"],
      ['lib/cli/x.ts', "import { testService } from '../testing';\nexport const t = testService;\n"],
      ['lib/asyncapi/index.ts', "import { inspectService } from '../metadata/read-service';\nexport const i = inspectService;\n"],
      ['lib/asyncapi/x.ts', "import { PRIORITY_NAMES } from '../protocol';\nexport const p = PRIORITY_NAMES;\n"],
      ['lib/broker/x.ts', "import { asyncApiFromSelfDescriptions } from '../asyncapi/document';\nexport const a = asyncApiFromSelfDescriptions;\n"],
      ['lib/testing/x.ts', "import { ServiceRuntime } from '../client/service-runtime';\nexport const r = ServiceRuntime;\n"],
      ['lib/cli/x.ts', "import { consoleLog } from './log';\nimport { Command } from 'commander';\nimport { readFileSync } from 'node:fs';\nexport const c = [consoleLog, Command, readFileSync];\n"],
    ];
    for (const [path, code] of allowed) {
      expect(await layerProblems(path, code), `${path}: ${code}`).to.deep.equal([]);
    }
  });

  it('refuses mocha globals in lib/ (one tsconfig type-checks lib and test together)', async () => {
    const eslint = new ESLint({ cwd: ROOT });
    const code = "export function helper(): void {\n  it('runs', () => undefined);\n}\n";
    const [inLib] = await eslint.lintText(code, { filePath: join(ROOT, 'lib/client/x.ts') });
    expect(inLib.messages.map((m) => m.message)).to.deep.equal(["Unexpected use of 'it'. it is a mocha global: test code belongs in test/"]);
    const [inTest] = await eslint.lintText(code, { filePath: join(ROOT, 'test/client/x.ts') });
    expect(inTest.messages).to.deep.equal([]);
  });
});
