import { z } from 'zod';

/**
 * The user containers run as when the definition does not say: an unprivileged uid:gid that
 * needs no entry in the image's /etc/passwd (numeric ids work in every image).
 */
export const DEFAULT_CONTAINER_USER = '1000:1000';

const NAME_OR_ID = '([a-z_][a-z0-9_-]{0,31}|\\d+)';

/**
 * The user (and optional group) a container runs as, as in a Dockerfile's `USER`: `uid`,
 * `uid:gid`, `name` or `name:group`. Root (`0`, `root`) is refused.
 */
export const containerUserField = z
  .string()
  .regex(new RegExp(`^${NAME_OR_ID}(:${NAME_OR_ID})?$`), {
    error: 'is not a user; write "uid", "uid:gid", "name" or "name:group", e.g. "1000:1000"',
  })
  .refine((user) => !['0', 'root'].includes(user.split(':')[0]), {
    error: `runs the container as root; use an unprivileged user such as "${DEFAULT_CONTAINER_USER}" (the image must let it read its files)`,
  })
  .default(DEFAULT_CONTAINER_USER)
  .describe(`User (and group) the container runs as, e.g. "1000:1000" or "app:app"; never root. Default "${DEFAULT_CONTAINER_USER}".`);
