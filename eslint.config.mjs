// Lint configuration: typescript-eslint's recommended rules, type-aware where they are cheap.
// `npm test` runs `npm run lint` (eslint with zero warnings, then prettier --check).
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
    languageOptions: {
      // One program per tsconfig rather than the project service (which opens every file as an editor
      // would): 53 s of CPU instead of 73 s for the whole tree, the same rules and findings. A .ts file
      // outside both tsconfigs is refused, so every linted file is also type-checked.
      parserOptions: { project: ['./tsconfig.json', './bench/tsconfig.json'], tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Type-aware rules that catch real release-safety bugs (a forgotten await skips a check).
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // `typeof import('…')` types the lazy require() that keeps peer dependencies optional.
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
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
