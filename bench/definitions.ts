import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ServiceDefinition } from '../lib/model/service-definition';
import { validateDefinition } from '../lib/model/validate';
import { serviceName } from './service-names';

/**
 * `count` copies of a definition file, each with its own service name: the `service` field and
 * every string that starts with `<service>/` (secret names such as `checkout/{env}/db-password`).
 * Each copy is validated on its own, as an app loading one file per service would.
 */
export function definitionsFrom(file: string, count: number): ServiceDefinition[] {
  const raw = parseYaml(fs.readFileSync(file, 'utf8')) as { service: string };
  const original = raw.service;
  const rename = (value: unknown, name: string): unknown => {
    if (typeof value === 'string') {
      return value === original ? name : value.startsWith(`${original}/`) ? name + value.slice(original.length) : value;
    }
    if (Array.isArray(value)) {
      return value.map((v) => rename(v, name));
    }
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rename(v, name)]));
    }
    return value;
  };
  return Array.from({ length: count }, (_, i) =>
    validateDefinition(rename(raw, serviceName(i + 1)), { source: file, baseDirectory: path.dirname(path.resolve(file)) }),
  );
}
