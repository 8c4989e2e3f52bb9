// @ts-check
/**
 * aws-cdk-lib's built-in CloudFormation validation, with one engine per jest worker instead of one
 * per suite.
 *
 * Every `app.synth()` of an App with `@aws-cdk/core:validateAgainstDefaultRules` (glidepath's
 * `synthesizeAws`, the examples, suites building their App from the recommended feature flags)
 * validates its templates with `@aws/cloudformation-validate`, a WebAssembly engine built for the
 * resource types of the templates. Building it costs 3-4 s of CPU, and jest loads every module
 * again for each suite, so each of the ~20 suites that synthesize such an App paid it again:
 * measured here, four of them cost 41 s of CPU with the validation and 16 s without.
 *
 * The test environment (test/support/cpu-environment.js) hands every suite of a worker the same
 * copy of `@aws/cloudformation-validate`, loaded once in the worker's own realm (jest.config.js
 * rewrites the package's entry point to take it: `transformer` below), whose `CompositeEngine`
 * returns the worker's engine instead of building another (see `sharedCloudformationValidate`), and
 * a template validated again with the same options gets the report that engine gave it before. The
 * engine is the package's own; only its construction and its reports are shared. Validating a
 * template reads nothing but the template and the engine's rules, so sharing changes no finding
 * (test/support/shared-cfn-validation.test.ts: a refused template is refused again from a known
 * report). Child processes (the CLI, `cdk synth` of the trial and consumer apps) are not
 * transformed and validate as a user's would.
 */
const crypto = require('node:crypto');
const path = require('node:path');

/** The key under which the environment puts the shared module on each suite's global object. */
const SHARED = Symbol.for('glidepath.sharedCloudformationValidate');
/**
 * @typedef {{ name: string, content: string }} RegoRule
 * @typedef {{ regoRules?: RegoRule[], [other: string]: unknown }} EngineConfig
 */

/** @type {Record<string, unknown> | undefined} */
let shared;

/** @param {string} text */
function hash(text) {
  return crypto.createHash('sha256').update(text).digest('hex');
}

/**
 * `@aws/cloudformation-validate` as aws-cdk-lib resolves it, whose `CompositeEngine` returns the
 * worker's engine when that engine has every rule asked for (and the same other settings), and
 * otherwise builds one with the rules of both, which then serves both.
 *
 * aws-cdk-lib picks the rules by the resource types of the templates (a rule with no type applies to
 * every template). A rule for a type a template does not hold has nothing to report on it, so an
 * engine with more rules gives the same findings; building one engine for the union of the rules
 * the suites ask for replaces one build per App (each App's resource types differ a little).
 */
function sharedCloudformationValidate() {
  if (shared) return shared;
  const entry = require.resolve('@aws/cloudformation-validate', { paths: [path.dirname(require.resolve('aws-cdk-lib/package.json'))] });
  const real = require(entry);
  /** One engine per setting other than the rego rules: the rules it has, by name. @type {Map<string, { engine: any, rules: Map<string, RegoRule> }>} */
  const engines = new Map();
  /** Reports by engine, template content and options. @type {Map<string, unknown>} */
  const reports = new Map();
  /** @param {EngineConfig} config */
  function SharedCompositeEngine(config) {
    // Plain data made in the suite's realm, copied into this one: the engine's bindings accept
    // only objects whose prototype is this realm's Object.prototype.
    const { regoRules = [], ...others } = /** @type {EngineConfig} */ (structuredClone(config));
    const key = hash(JSON.stringify(others));
    let current = engines.get(key);
    const missing = regoRules.filter((rule) => current?.rules.get(rule.name)?.content !== rule.content);
    if (!current || missing.length > 0) {
      const rules = new Map(current?.rules);
      for (const rule of missing) rules.set(rule.name, rule);
      const union = [...rules.values()].sort((a, b) => a.name.localeCompare(b.name));
      const engine = new real.CompositeEngine(union.length > 0 ? { ...others, regoRules: union } : others);
      current?.engine.free();
      current = { engine, rules };
      engines.set(key, current);
    }
    // Each call goes to the key's engine of the moment, which has every rule this one had (so the
    // one it replaced could be freed). The plugin frees its engine when it builds another or is
    // disposed: the shared one stays.
    return new Proxy(current.engine, {
      get: (_target, property) => {
        const engine = /** @type {{ engine: any }} */ (engines.get(key)).engine;
        if (property === 'free') return () => undefined;
        if (property === 'validateTemplate') {
          return (/** @type {object} */ template, /** @type {unknown} */ options) => {
            // The same template with the same options (the examples' stacks, synthesized by many
            // suites) gets the report the engine gave it before in this worker.
            const content = contents.get(template);
            const reportKey = content === undefined ? undefined : `${key}\0${hash(content)}\0${JSON.stringify(options)}`;
            const known = reportKey === undefined ? undefined : reports.get(reportKey);
            if (known) return structuredClone(known);
            const report = engine.validateTemplate(template, structuredClone(options));
            if (reportKey !== undefined) reports.set(reportKey, structuredClone(report));
            return report;
          };
        }
        return Reflect.get(engine, property, engine);
      },
    });
  }
  /** What each template given to the engine holds (the engine's TemplateContent keeps it in WebAssembly memory). */
  const contents = new WeakMap();
  /** @param {string} content @param {string} file */
  function RecordedTemplateContent(content, file) {
    const template = new real.TemplateContent(content, file);
    contents.set(template, content);
    return template;
  }
  shared = Object.freeze({ ...real, CompositeEngine: SharedCompositeEngine, TemplateContent: RecordedTemplateContent });
  return shared;
}

/** The line put before the package's entry point: it takes the worker's shared module when there is one. */
const PREFIX = `{const shared=globalThis[Symbol.for('glidepath.sharedCloudformationValidate')];if(shared){module.exports=shared;return;}}`;

/** jest transform of `@aws/cloudformation-validate/index.js` (jest.config.js). */
const transformer = {
  /** @param {string} source */
  process(source) {
    // After a "use strict" directive, which must stay first to keep the module strict.
    const strict = /^(['"])use strict\1;?/.exec(source);
    return { code: strict ? strict[0] + PREFIX + source.slice(strict[0].length) : PREFIX + source };
  },
  /** @param {string} source */
  getCacheKey(source) {
    return crypto.createHash('sha1').update(PREFIX).update('\0').update(source).digest('hex');
  },
};

module.exports = { SHARED, sharedCloudformationValidate, transformer };
