// Lint configuration: typescript-eslint's recommended rules, without type information.
// `npm test` runs `npm run lint`: eslint with zero warnings, then the type-aware rules with oxlint
// (.oxlintrc.json), prettier --check and the import-cycle check.
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['node_modules/**', 'dist/**', '.stryker-tmp/**', 'reports/**', 'cdk.out/**', 'coverage/**', 'bench/.out/**', 'examples/consumer-app/**', 'test/examples/trial-apps/**', '**/*.d.ts', '**/*.js', '**/*.mjs'],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // The type-aware rules that catch real release-safety bugs (a forgotten await skips a check:
      // no-floating-promises, no-misused-promises, await-thenable) run in oxlint's type-aware mode
      // (.oxlintrc.json, typescript-go): 6 s of CPU instead of the 40 s that building TypeScript
      // programs for typescript-eslint cost here.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // `typeof import('…')` types the lazy require() that keeps peer dependencies optional.
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
    },
  },
  {
    // The package's declarations name aws-cdk-lib's modules one by one: its root re-exports every
    // service, which makes a user's tsc read 1.07 M lines of declarations instead of 0.39 M.
    files: ['constructs/**/*.ts', 'lib/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { paths: [{ name: 'aws-cdk-lib', message: "Import from 'aws-cdk-lib/core' (or the service's module).", allowTypeImports: false }] },
      ],
    },
  },
  {
    // Tests and glidepath/testing read synthesized templates and manifests as untyped JSON, and load
    // modules lazily or in isolation.
    files: ['test/**/*.ts', 'bench/**/*.ts', 'constructs/testing/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
);
