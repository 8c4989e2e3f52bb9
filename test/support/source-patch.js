// @ts-check
/**
 * A jest transform that replaces one exact piece of a dependency's code, for the test support's
 * patches of aws-cdk-lib and Pulumi (each file says why). When an upgrade changes that piece, the
 * file is left as it is and a note says so once, with what that means.
 */
const crypto = require('node:crypto');

/**
 * @param {{ original: string, patched: string, changed: string, skip?: () => boolean }} patch
 *   `changed`: the note printed when `original` is not found; `skip`: when to leave the file as it
 *   is (its answer is part of the cache key).
 */
function sourcePatch({ original, patched, changed, skip = () => false }) {
  let warned = false;
  return {
    /** @param {string} source */
    process(source) {
      if (skip()) return { code: source };
      if (source.includes(original)) return { code: source.replace(original, patched) };
      if (!warned) {
        warned = true;
        process.stderr.write(`${changed}\n`);
      }
      return { code: source };
    },
    /** @param {string} source */
    getCacheKey(source) {
      return crypto.createHash('sha1').update(patched).update(String(skip())).update('\0').update(source).digest('hex');
    },
  };
}

module.exports = { sourcePatch };
