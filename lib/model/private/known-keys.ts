import type { z } from 'zod';
import { serviceDefinitionSchema } from '../service-definition';

/** Field names a strict object accepts at `at` in the definition schema (for suggestions). */
export function knownKeysAt(at: readonly PropertyKey[]): string[] {
  let schema: z.core.$ZodType | undefined = serviceDefinitionSchema;
  const unwrap = (s: z.core.$ZodType): z.core.$ZodType => {
    let current = s;
    for (;;) {
      const def = current._zod.def as unknown as { type: string; innerType?: z.core.$ZodType; out?: z.core.$ZodType; in?: z.core.$ZodType };
      if ((def.type === 'optional' || def.type === 'default' || def.type === 'nullable' || def.type === 'prefault') && def.innerType) {
        current = def.innerType;
      } else if (def.type === 'pipe' && def.in) {
        current = def.in;
      } else {
        return current;
      }
    }
  };
  for (const key of at) {
    if (!schema) return [];
    const def = unwrap(schema)._zod.def as unknown as { type: string; shape?: Record<string, z.core.$ZodType>; element?: z.core.$ZodType };
    schema = typeof key === 'number' ? def.element : def.shape?.[String(key)];
  }
  if (!schema) return [];
  const def = unwrap(schema)._zod.def as unknown as { shape?: Record<string, z.core.$ZodType> };
  return Object.keys(def.shape ?? {}).filter((k) => k !== '$schema' && k !== 'value');
}
