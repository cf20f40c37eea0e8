// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '.local-infra/**', '.test-results/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: globals.node },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['error', 'warn'] }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // The reader package is the key contract and MomentumReader: readers → contract, writer → contract,
    // never reader → writer. A dashboard importing it must not load the write engine, its Lua files or
    // ioredis values (types only: the caller passes its client in). packages/store/src/layering.test.ts
    // checks what Node really loads.
    files: ['packages/store/src/**/*.ts'],
    ignores: ['**/*.test.ts', '**/*.test-support.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'ioredis',
              allowTypeImports: true,
              message: 'The reader package takes its Redis client from the caller: import types only.',
            },
            { name: 'node:fs', message: 'Files (Lua scripts) are loaded by @mesh-momentum/store-writer.' },
          ],
          patterns: [
            {
              group: ['@mesh-momentum/store-writer', '@mesh-momentum/store-writer/*', '**/store-writer/**'],
              message:
                'The reader package must not depend on the write engine (readers → contract ← writer).',
            },
          ],
        },
      ],
    },
  },
  {
    // The dashboard's web UI runs in the browser.
    files: ['services/dashboard/web/**'],
    languageOptions: { globals: globals.browser },
  },
  {
    // In tests a wrong assumption fails the test anyway; `!` keeps assertions readable.
    files: ['**/*.test.ts', 'test/**'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    // Command-line tools, benchmarks and the demo talk to people through stdout.
    files: ['bench/**', 'scripts/**', 'packages/cli/**', 'services/*/src/bin/**', 'packages/*/src/bin/**'],
    rules: { 'no-console': 'off' },
  },
);
