// @ts-check
/**
 * aws-cdk-lib's built-in CloudFormation validation, in the tests, only in Apps where its findings
 * fail synthesis.
 *
 * Since 2.27x every `app.synth()` runs `@aws/cloudformation-validate` (a WebAssembly engine). Its
 * first use in a process builds the engine: measured on Node 20 here, 2.8 s of CPU for one empty
 * stack against 0.2 s without it, and jest loads modules again for every suite, so each suite that
 * synthesizes pays it again. In an App without the feature flag
 * `@aws-cdk/core:validateAgainstDefaultRules` the findings are only printed as warnings, which no
 * test reads; with the flag (glidepath's `synthesizeAws`, the examples, every suite that builds its
 * App from `aws-cdk-lib/recommended-feature-flags.json`) they fail the synthesis, so there the
 * validation keeps running. Child processes (the CLI, the trial and consumer apps' `cdk synth`) are
 * not transformed and validate as a user's would.
 *
 * This transform rewrites the one function of `aws-cdk-lib/core/lib/private/synthesis-validation.js`
 * that decides whether the validation runs, adding that condition. When an aws-cdk-lib upgrade
 * changes the function, the file is left unchanged (the validation runs everywhere, as before)
 * and a note says so.
 */
const ORIGINAL = 'function defaultValidationEnabled(app){return app._builtinCloudFormationValidation&&process.env.CDK_VALIDATION!=="false"}';
const PATCHED =
  'function defaultValidationEnabled(app){return app._builtinCloudFormationValidation&&process.env.CDK_VALIDATION!=="false"' +
  '&&feature_flags_1().FeatureFlags.of(app).isEnabled("@aws-cdk/core:validateAgainstDefaultRules")}';

module.exports = require('./source-patch').sourcePatch({
  original: ORIGINAL,
  patched: PATCHED,
  changed: 'test/support/cdk-validation-transformer.js: aws-cdk-lib changed defaultValidationEnabled; its built-in validation runs in every App',
});
