// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/**
 * The layers of lib/ (CONTRIBUTING.md): each folder may import only what is listed there. A rule per
 * folder names what it must not import; `lib/errors.ts` and `lib/util` are shared by all.
 */
const layer = (folder, patterns, allowTypeImports = false) => ({
  files: [`lib/${folder}/**/*.ts`],
  rules: {
    '@typescript-eslint/no-restricted-imports': ['error', {
      patterns: [{ group: patterns, allowTypeImports, message: `lib/${folder} may not import this: see the layers in CONTRIBUTING.md` }],
    }],
  },
});

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
  layer('decorators', ['../*', '!../errors'], true),
  // the codec is pure: nothing of ours but the error classes
  layer('protocol', ['../*', '!../errors']),
  layer('schema', ['../metadata', '../metadata/*', '../client', '../client/*', '../broker', '../broker/*', '../cli', '../cli/*', '../protocol/*']),
  layer('metadata', ['../client', '../client/*', '../broker', '../broker/*', '../cli', '../cli/*', '../protocol/*']),
  // the client and the broker never import each other; the codec only through its index
  layer('client', ['../broker', '../broker/*', '../cli', '../cli/*', '../protocol/*']),
  // the command line is a user of the package: the public entry points only
  layer('cli', ['../*', '!../index', '!../broker', '!../testing', '../broker/*', '../testing/*']),
  layer('broker', ['../client', '../client/*', '../cli', '../cli/*', '../decorators', '../decorators/*', '../metadata', '../metadata/*', '../protocol/*']),
  // one tsconfig compiles lib and test, so mocha's globals type-check in lib too: lint refuses them
  {
    files: ['lib/**/*.ts'],
    rules: {
      'no-restricted-globals': ['error', ...['describe', 'context', 'it', 'specify', 'before', 'after', 'beforeEach', 'afterEach', 'suite', 'test', 'setup', 'teardown', 'suiteSetup', 'suiteTeardown', 'run', 'xit', 'xdescribe']
        .map((name) => ({ name, message: `${name} is a mocha global: test code belongs in test/` }))],
    },
  },
);
