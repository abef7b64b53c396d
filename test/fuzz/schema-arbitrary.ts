import fc from 'fast-check';

/** The part of JSON Schema that @fastify/swagger writes for our zod schemas. */
export interface JsonSchema {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  nullable?: boolean;
}

/** Values that break careless code: wrong types, edges of numbers, huge and odd strings. */
export const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    true,
    0,
    -1,
    -0.5,
    2 ** 31,
    2 ** 53,
    -(2 ** 63),
    1e308,
    '',
    ' ',
    '\u0000',
    'nul\u0000inside',
    '\ud800',
    '🙂'.repeat(500),
    'x'.repeat(70_000),
    '../../etc/passwd',
    "' OR 1=1 --",
    '<script>alert(1)</script>',
    '00000000-0000-0000-0000-000000000000',
    'not-a-uuid',
    'NaN',
    '1e999',
    '-1',
    '{{7*7}}',
    [],
    {},
    [[[]]],
    { __proto__: { polluted: true } },
    { constructor: { prototype: { polluted: true } } },
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.jsonValue({ maxDepth: 2 }),
);

/** Strings for fields that hold URLs: loopback only, so a fuzzed request never reaches past this machine. */
const loopbackUrl = fc.constantFrom('http://127.0.0.1:9/v1', 'http://127.0.0.1:9/image.png', 'http://localhost:9/', 'ftp://127.0.0.1/x');

export interface Pools {
  /** Real ids of the fuzzing account's resources, so valid requests reach past the lookups. */
  uuids: string[];
}

function typesOf(schema: JsonSchema): string[] {
  if (Array.isArray(schema.type)) return schema.type;
  return schema.type ? [schema.type] : [];
}

/** Values that fit `schema`, mostly (patterns and lengths are honoured where fast-check can). */
export function validValue(schema: JsonSchema, pools: Pools, name = ''): fc.Arbitrary<unknown> {
  const variants: fc.Arbitrary<unknown>[] = [];
  if (schema.nullable) variants.push(fc.constant(null));
  if (schema.anyOf ?? schema.oneOf) return fc.oneof(...(schema.anyOf ?? schema.oneOf)!.map((s) => validValue(s, pools, name)), ...variants);
  if (schema.allOf) return validValue(Object.assign({}, ...schema.allOf) as JsonSchema, pools, name);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.const !== undefined) return fc.constant(schema.const);
  const types = typesOf(schema);
  if (types.length === 0) variants.push(fc.jsonValue({ maxDepth: 2 }));
  for (const type of types) {
    if (type === 'null') variants.push(fc.constant(null));
    else if (type === 'boolean') variants.push(fc.boolean());
    else if (type === 'integer' || type === 'number') {
      const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : -1000);
      const max = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : 1000);
      variants.push(
        type === 'integer'
          ? fc.integer({ min: Math.max(min, -(2 ** 31)), max: Math.min(max, 2 ** 31) })
          : fc.double({ min, max, noNaN: true }),
      );
    } else if (type === 'string') variants.push(stringValue(schema, pools, name));
    else if (type === 'array') {
      const item = schema.items ? validValue(schema.items, pools, name) : fc.jsonValue({ maxDepth: 1 });
      variants.push(fc.array(item, { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 3, 3) }));
    } else if (type === 'object') variants.push(objectValue(schema, pools));
  }
  return variants.length === 1 ? variants[0]! : fc.oneof(...variants);
}

function stringValue(schema: JsonSchema, pools: Pools, name: string): fc.Arbitrary<string> {
  if (/url/i.test(name)) return loopbackUrl;
  if (schema.format === 'uuid') return pools.uuids.length > 0 ? fc.oneof(fc.constantFrom(...pools.uuids), fc.uuid()) : fc.uuid();
  if (schema.pattern) {
    return fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length <= (schema.maxLength ?? Infinity));
  }
  const minLength = schema.minLength ?? 0;
  return fc.string({ minLength, maxLength: Math.max(minLength, Math.min(schema.maxLength ?? 40, 40)) });
}

function objectValue(schema: JsonSchema, pools: Pools): fc.Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {};
  const keys = Object.keys(properties);
  if (keys.length === 0) return fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 });
  const record = Object.fromEntries(keys.map((key) => [key, validValue(properties[key]!, pools, key)]));
  return fc.record(record, { requiredKeys: (schema.required ?? []).filter((key) => keys.includes(key)) });
}

/**
 * What a careless or hostile client sends: a valid value, or one with a required field gone, an
 * extra field, a field of the wrong type, or nothing like the schema at all.
 */
export function fuzzedValue(schema: JsonSchema, pools: Pools): fc.Arbitrary<unknown> {
  const valid = validValue(schema, pools);
  const properties = Object.keys(schema.properties ?? {});
  const mutants: fc.Arbitrary<unknown>[] = [valid, valid, nastyValue];
  if (properties.length > 0) {
    mutants.push(
      fc.tuple(valid, fc.constantFrom(...properties)).map(([value, key]) => {
        const copy = { ...(value as Record<string, unknown>) };
        delete copy[key];
        return copy;
      }),
      fc.tuple(valid, fc.string({ minLength: 1, maxLength: 12 }), nastyValue).map(([value, key, extra]) => ({
        ...(value as Record<string, unknown>),
        [key]: extra,
      })),
      fc.tuple(valid, fc.constantFrom(...properties), nastyValue).map(([value, key, wrong]) => ({
        ...(value as Record<string, unknown>),
        [key]: /url/i.test(key) ? 'http://127.0.0.1:9/' : wrong,
      })),
    );
  }
  return fc.oneof(...mutants);
}

/** A query or path value: per its schema, or a string that fits nothing. */
export function fuzzedParameter(schema: JsonSchema, pools: Pools, name: string): fc.Arbitrary<string> {
  return fc
    .oneof(validValue(schema, pools, name), validValue(schema, pools, name), nastyValue)
    .map((value) => (typeof value === 'string' ? value : (JSON.stringify(value) ?? '')));
}
