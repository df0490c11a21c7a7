/**
 * Lists every key path of a zod (v4) object schema, for checking that docs/configuration.md
 * documents each one. Arrays are shown as `[]` (e.g. `brands[].name`); unions of a string and an
 * object (brand keywords) list the object's keys.
 */
import type { z } from 'zod';

type AnyDef = { type: string; [k: string]: unknown };
const defOf = (s: unknown): AnyDef => (s as { _zod: { def: AnyDef } })._zod.def;

export function keyPaths(schema: z.ZodType, prefix = ''): string[] {
  const d = defOf(schema);
  switch (d.type) {
    case 'object': {
      const shape = d.shape as Record<string, z.ZodType>;
      return Object.entries(shape).flatMap(([k, v]) => {
        const p = prefix ? `${prefix}.${k}` : k;
        return [p, ...keyPaths(v, p)];
      });
    }
    case 'default':
    case 'optional':
    case 'nullable':
    case 'prefault':
    case 'readonly':
      return keyPaths(d.innerType as z.ZodType, prefix);
    case 'pipe':
      return keyPaths(d.in as z.ZodType, prefix);
    case 'array':
      return keyPaths(d.element as z.ZodType, `${prefix}[]`);
    case 'union':
      return (d.options as z.ZodType[]).flatMap((o) => keyPaths(o, prefix));
    default:
      return [];
  }
}
