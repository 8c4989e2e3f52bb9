// Lint configuration: typescript-eslint's recommended rules, type-aware where they are cheap.
// `npm test` runs `npm run lint` (eslint with zero warnings, then prettier --check).
import * as fs from 'node:fs';
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The TypeScript files that can hand a promise to a callback slot: they mention async, await,
 * Promise, then( or fetch(. no-misused-promises' void-return check resolves the signature of every
 * call and the contextual type of every object literal, which in aws-cdk-lib code cost three
 * quarters of the lint's time (measured: 90 of 118 s of rule time for lib/, constructs/ and bin/);
 * it runs only where a promise can be made. A promise-returning function passed by name from a file
 * that never mentions one is the case it leaves out; no-floating-promises still runs everywhere.
 */
function filesThatMayPassPromises() {
  const mentions = /\basync\b|\bawait\b|Promise|\.then\(|\bfetch\(/;
  return ['lib', 'constructs', 'bin', 'test', 'bench', 'examples'].flatMap((dir) =>
    fs
      .readdirSync(new URL(dir, import.meta.url), { recursive: true })
      .map((file) => `${dir}/${String(file).split('\\').join('/')}`)
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts') && !file.includes('node_modules/'))
      .filter((file) => mentions.test(fs.readFileSync(new URL(file, import.meta.url), 'utf8'))),
  );
}

export default tseslint.config(
  {
    ignores: ['node_modules/**', 'dist/**', '.stryker-tmp/**', 'reports/**', 'cdk.out/**', 'coverage/**', 'bench/.out/**', 'examples/consumer-app/**', 'test/examples/trial-apps/**', '**/*.d.ts', '**/*.js', '**/*.mjs'],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Type-aware rules that catch real release-safety bugs (a forgotten await skips a check).
      '@typescript-eslint/no-floating-promises': 'error',
      // The void-return check only where a promise can be made (filesThatMayPassPromises, below).
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // `typeof import('…')` types the lazy require() that keeps peer dependencies optional.
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
    },
  },
  {
    files: filesThatMayPassPromises(),
    rules: { '@typescript-eslint/no-misused-promises': 'error' },
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
