import { z } from "zod";

/**
 * The keys the schema allows for the object at `path`, used to suggest the key a typo meant. `data` is the
 * parsed input, needed to pick the member of a discriminated union (which connector type an entry is).
 *
 * @returns `undefined` when the path does not lead to an object schema this walker understands.
 */
export function objectKeysAt(schema: z.ZodType, path: readonly PropertyKey[], data: unknown): string[] | undefined {
  let current: z.ZodType | undefined = unwrap(schema, data);
  let value = data;
  for (const segment of path) {
    value = childOf(value, segment);
    current = current === undefined ? undefined : unwrap(childSchema(current, segment), value);
  }
  return current instanceof z.ZodObject ? Object.keys(current.shape) : undefined;
}

/** The value one step down a path, or undefined. */
export function childOf(value: unknown, segment: PropertyKey): unknown {
  if (Array.isArray(value) && typeof segment === "number") return value[segment];
  if (typeof value === "object" && value !== null && typeof segment === "string")
    return (value as Record<string, unknown>)[segment];
  return undefined;
}

/** The value at a path, or undefined when any step is missing. */
export function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>(childOf, data);
}

function childSchema(schema: z.ZodType, segment: PropertyKey): unknown {
  if (schema instanceof z.ZodObject) return (schema.shape as Record<string, unknown>)[String(segment)];
  if (schema instanceof z.ZodArray) return schema.element;
  return undefined;
}

/** Looks through wrappers that do not change which keys an object allows. */
function unwrap(schema: unknown, value: unknown): z.ZodType | undefined {
  let current = schema;
  for (;;) {
    if (current instanceof z.ZodOptional || current instanceof z.ZodNullable) current = current.unwrap();
    else if (current instanceof z.ZodDefault || current instanceof z.ZodPrefault) current = current.unwrap();
    else if (current instanceof z.ZodPipe) current = current.in;
    else if (current instanceof z.ZodDiscriminatedUnion) current = unionMember(current, value);
    else return current instanceof z.ZodType ? current : undefined;
  }
}

function unionMember(union: z.ZodDiscriminatedUnion, value: unknown): unknown {
  const discriminator = union._zod.def.discriminator;
  const wanted = childOf(value, discriminator);
  return union.options.find((option) => {
    if (!(option instanceof z.ZodObject)) return false;
    const literal: unknown = (option.shape as Record<string, unknown>)[discriminator];
    return literal instanceof z.ZodLiteral && literal.values.has(wanted as z.core.util.Literal);
  });
}
