/**
 * What `defineService()` was given, kept on what it returned, so a loader validates the input
 * again with the file named instead of trusting an object that only looks validated. A registered
 * symbol (not a module-local WeakSet) so that a definition built with another copy of glidepath
 * (the package a project installs, beside the CLI's) is recognised too.
 */
const INPUT = Symbol.for('glidepath.definition-input');

/** The input and options of one `defineService()` call. */
export interface DefinitionInput {
  readonly input: unknown;
  readonly baseDirectory?: string;
}

/** Keeps `input` on `definition`, invisible to enumeration and JSON. */
export function rememberInput<T extends object>(definition: T, input: DefinitionInput): T {
  Object.defineProperty(definition, INPUT, { value: input, enumerable: false });
  return definition;
}

/** The input a `defineService()` result was made from, or undefined for anything else. */
export function rememberedInput(value: unknown): DefinitionInput | undefined {
  try {
    if (typeof value !== 'object' || value === null) return undefined;
    const found = (value as Record<symbol, unknown>)[INPUT];
    return typeof found === 'object' && found !== null && 'input' in found ? (found as DefinitionInput) : undefined;
  } catch {
    // A Proxy that throws is no defineService() result; validation reports what it is.
    return undefined;
  }
}
