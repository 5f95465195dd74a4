// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/**
 * The layers of lib/ (CONTRIBUTING.md): each folder may import only what is listed there. A rule per
 * folder names what it must not import (`patterns`, gitignore-style: a folder's name covers its
 * files; `exact`, module specifiers matched as written); `lib/errors.ts` and `lib/util` are shared by all.
 */
const layer = (folder, patterns, { allowTypeImports = false, files = [`lib/${folder}/**/*.ts`], ignores = [], exact = [] } = {}) => {
  const message = `lib/${folder} may not import this: see the layers in CONTRIBUTING.md`;
  return {
    files,
    ignores,
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: exact.map((name) => ({ name, allowTypeImports, message })),
        patterns: [{ group: patterns, allowTypeImports, message }],
      }],
    },
  };
};

export default tseslint.config(
  { ignores: ['dist/**', 'coverage/**', 'node_modules/**', '.scratch/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-function-type': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // the dashboard runs in the browser, as plain script files
  { files: ['lib/dashboard/**/*.js'], languageOptions: { sourceType: 'script', globals: globals.browser } },
  // decorators only record metadata: nothing of ours but types
  layer('decorators', ['../*', '!../errors'], { allowTypeImports: true }),
  // the codec is pure: nothing of ours but the error classes
  layer('protocol', ['../*', '!../errors']),
  layer('schema', ['../metadata', '../metadata/*', '../client', '../client/*', '../broker', '../broker/*', '../cli', '../cli/*', '../protocol/*']),
  layer('metadata', ['../client', '../client/*', '../broker', '../broker/*', '../cli', '../cli/*', '../protocol/*']),
  // the client and the broker never import each other; the codec only through its index
  layer('client', ['../broker', '../broker/*', '../cli', '../cli/*', '../protocol/*']),
  // the command line is a user of the package: the public entry points only
  layer('cli', ['../*', '!../index', '!../broker', '!../testing', '../broker/*', '../testing/*']),
  // the broker serves the AsyncAPI document of plain self-descriptions (asyncapi/document), never of classes
  layer('broker', ['../client', '../client/*', '../cli', '../cli/*', '../decorators', '../decorators/*', '../metadata', '../metadata/*', '../protocol/*', '../asyncapi/index', '../testing', '../testing/*'], { exact: ['../asyncapi'] }),
  // the test bed runs a service as the client does, without a socket, and never a broker
  layer('testing', ['../broker', '../broker/*', '../cli', '../cli/*', '../asyncapi', '../asyncapi/*']),
  // the AsyncAPI export: index.ts reads a class's metadata; the rest works on plain self-descriptions
  layer('asyncapi', ['../client', '../client/*', '../broker', '../broker/*', '../cli', '../cli/*', '../testing', '../testing/*', '../decorators', '../decorators/*', '../schema', '../schema/*', '../protocol/*'], { files: ['lib/asyncapi/index.ts'] }),
  layer('asyncapi', ['../*', '!../errors', '!../protocol', '!../util', '../protocol/*'], { ignores: ['lib/asyncapi/index.ts'] }),
  // one tsconfig compiles lib and test, so mocha's globals type-check in lib too: lint refuses them
  {
    files: ['lib/**/*.ts'],
    rules: {
      'no-restricted-globals': ['error', ...['describe', 'context', 'it', 'specify', 'before', 'after', 'beforeEach', 'afterEach', 'suite', 'test', 'setup', 'teardown', 'suiteSetup', 'suiteTeardown', 'run', 'xit', 'xdescribe']
        .map((name) => ({ name, message: `${name} is a mocha global: test code belongs in test/` }))],
    },
  },
);
