import * as vm from 'node:vm';

/**
 * Loads inline Lambda source the way Node.js would, with `require` answered by `modules` (stubs
 * of the AWS SDK clients; anything else from Node), and returns its `exports.handler`.
 */
export function loadHandler(
  source: string,
  modules: Record<string, unknown>,
  env: Record<string, string>,
  timers?: { setTimeout: typeof setTimeout },
): (...args: unknown[]) => Promise<unknown> {
  const module = { exports: {} as Record<string, unknown> };
  const sandbox = {
    module,
    exports: module.exports,

    require: (name: string) => (name in modules ? modules[name] : require(name)),
    process: { env },
    console: { log: () => undefined },
    Buffer,
    URL,
    fetch,
    AbortSignal,
    setTimeout: timers?.setTimeout ?? setTimeout,
    Date,
    JSON,
  };
  vm.runInNewContext(source, sandbox);
  return module.exports.handler as (...args: unknown[]) => Promise<unknown>;
}
