import { z } from 'zod';

/**
 * Checks a container image reference as Docker and ECS parse it
 * (`[registry[:port]/]repository[:tag][@digest]`, see the distribution project's reference grammar),
 * and that it is pinned: an image without a tag or digest silently means `:latest`, which a
 * rollback cannot return to.
 *
 * @see https://github.com/distribution/reference/blob/main/reference.go
 * @returns what is wrong, phrased to follow "image is …; ", or `undefined` when it is valid
 */
export function imageReferenceProblem(image: string): string | undefined {
  if (/\s/.test(image)) return 'an image reference has no spaces; write it as "registry/repository:tag"';
  let rest = image;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return 'the digest after "@" must be "sha256:" and 64 hex digits';
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag))
      return `the tag "${tag}" is not valid; a tag is up to 128 letters, digits, "_", "." and "-", not starting with "." or "-"`;
  }
  const components = rest.split('/');
  // The first component is a registry when it looks like a host (a dot, a port or localhost).
  if (components.length > 1 && (/[.:]/.test(components[0]) || components[0] === 'localhost')) {
    const registry = components.shift()!;
    if (!REGISTRY.test(registry)) return `the registry "${registry}" is not a host name (with an optional port)`;
  }
  const repository = components.join('/');
  if (repository !== repository.toLowerCase())
    return `the repository "${repository}" has upper-case letters; repository names are lower-case`;
  if (!components.every((c) => COMPONENT.test(c))) {
    return `the repository "${repository}" is not valid; use lower-case letters and digits separated by "/", ".", "_" or "-"`;
  }
  if (tag === undefined && digest === undefined) {
    return `it has no tag or digest, so it means "${image}:latest", which changes under you and a rollback cannot return to; pin it, e.g. "${image}:1.0.0" or "${image}@sha256:…"`;
  }
  return undefined;
}

const DIGEST = /^sha256:[a-f0-9]{64}$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const REGISTRY = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?$/;
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

/** A string field holding a pinned image reference. */
export const imageReference = z
  .string()
  .min(1)
  .superRefine((image, ctx) => {
    const wrong = imageReferenceProblem(image);
    if (wrong) ctx.addIssue({ code: 'custom', message: wrong, input: image });
  });
