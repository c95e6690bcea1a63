// ESLint over src/, test/ and bench/ (`npm run lint`, a step of .ci/run).
//
// typescript-eslint's `strict` rules without type information: the type-checked variant
// (strictTypeChecked) builds the whole TypeScript program again and took 70 s on this
// 2-core machine against 14 s without (tsc itself takes 30 s, and CI runs it just before);
// the compiler in strict mode already covers most of what type information adds.
// Import rules (eslint-plugin-import-x, resolved as TypeScript does): no import cycles, no
// barrel files, dependencies declared in package.json. House rules from the developer
// guide: the domain stays pure, projections use only the domain's types, files stay small.
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

export default defineConfig(
  { ignores: ['dist/**', 'node_modules/**', 'reports/**', 'coverage/**', '.stryker-tmp/**'] },
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    extends: [tseslint.configs.strict],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js', '.json'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      // Packages cannot import our modules back: not following them saves most of the rule's time.
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-self-import': 'error',
      'import-x/no-duplicates': 'error',
      'import-x/no-useless-path-segments': 'error',
      'import-x/first': 'error',
      'import-x/no-mutable-exports': 'error',
      // "No barrel files": a module that only re-exports others.
      'import-x/avoid-barrel-files': 'error',
      'import-x/avoid-re-export-all': 'error',
      'import-x/no-extraneous-dependencies': ['error', { devDependencies: ['test/**', 'bench/**'] }],
      // About 400 lines at most (a little slack before it fails).
      'max-lines': ['error', { max: 450 }],
      // The code asserts presence with `!` where an invariant guarantees it (a key just
      // checked, an index inside the bounds, a regex group that matched); spelling each as
      // `?? throw` would add noise and catch nothing more.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // `_name` marks a parameter or binding left out on purpose (e.g. `{ prevHash: _p, ...rest }`).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // NestJS modules are classes that carry only a decorator.
      '@typescript-eslint/no-extraneous-class': ['error', { allowWithDecorator: true }],
    },
  },
  {
    // The domain is pure: no framework, I/O, clock or randomness (the app passes `now` in).
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@nestjs/*', 'kysely', 'pg', 'libsql', '@eventstore/*', 'express', 'ulid', 'pino', '@opentelemetry/*'], message: 'The domain is pure: no framework or I/O.' },
            { group: ['fs', 'node:*', 'child_process', 'crypto'], message: 'The domain is pure: no I/O or randomness.' },
            { group: ['**/app/**', '**/event-store/**', '**/projections/**', '**/cli/**'], message: 'The domain depends on nothing outside src/domain.' },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'The domain takes `now` from its caller.' },
        { object: 'Math', property: 'random', message: 'The domain is deterministic.' },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'The domain takes `now` from its caller.' },
      ],
    },
  },
  {
    // Projections read the domain's event types only (src/projections/event-data.ts).
    files: ['src/projections/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/domain/**'], allowTypeImports: true, message: 'Projections import only types from the domain.' }] },
      ],
    },
  },
);
