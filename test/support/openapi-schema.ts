/**
 * A small validator for the OpenAPI 3.0 schema objects our document uses: `$ref` into
 * `components.schemas`, `type`, `nullable`, `enum`, `required`, `properties`, `items`,
 * `additionalProperties`, `anyOf`/`oneOf`/`allOf`, and the formats `date-time`, `uuid`, `uri`.
 *
 * An object schema that lists its properties is closed unless it says otherwise: a property
 * the answer carries and the document does not name is an error, so the document has to
 * describe every field a client may see.
 */
export type Schema = {
  $ref?: string;
  type?: string;
  nullable?: boolean;
  enum?: unknown[];
  required?: string[];
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  format?: string;
};

export interface OpenApiDocument {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: Schema }> }> }>>;
  components?: { schemas?: Record<string, Schema> };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function formatError(format: string | undefined, value: string): string | undefined {
  if (format === 'uuid' && !UUID.test(value)) return `not a uuid: ${JSON.stringify(value)}`;
  if (format === 'date-time' && (!DATE_TIME.test(value) || Number.isNaN(Date.parse(value)))) return `not a date-time: ${JSON.stringify(value)}`;
  if (format === 'uri' && !URL.canParse(value)) return `not a uri: ${JSON.stringify(value)}`;
  return undefined;
}

/** Every way `value` disagrees with `schema`, each prefixed with where (`$.items[0].id`). */
export function validate(document: OpenApiDocument, schema: Schema, value: unknown, at = '$'): string[] {
  if (schema.$ref) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    const target = document.components?.schemas?.[name];
    if (!target) return [`${at}: unresolved ${schema.$ref}`];
    return validate(document, target, value, at);
  }
  if (value === null) return schema.nullable ? [] : [`${at}: null, and the schema is not nullable`];
  const errors: string[] = [];
  if (schema.allOf) for (const part of schema.allOf) errors.push(...validate(document, part, value, at));
  for (const [keyword, alternatives] of [['anyOf', schema.anyOf], ['oneOf', schema.oneOf]] as const) {
    if (!alternatives) continue;
    const results = alternatives.map((alternative) => validate(document, alternative, value, at));
    const matching = results.filter((result) => result.length === 0).length;
    if (keyword === 'anyOf' ? matching === 0 : matching !== 1) {
      const why = matching === 0 ? ` (${results.map((result, index) => `#${index + 1}: ${result.join('; ')}`).join(' | ')})` : '';
      errors.push(`${at}: matches ${matching} of the ${alternatives.length} ${keyword} alternatives${why}`);
    }
  }
  if (schema.enum && !schema.enum.some((allowed) => allowed === value)) errors.push(`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  const actual = typeOf(value);
  switch (schema.type) {
    case undefined:
      break;
    case 'integer':
      if (!Number.isInteger(value)) errors.push(`${at}: expected an integer, got ${JSON.stringify(value)}`);
      break;
    case 'number':
    case 'string':
    case 'boolean':
    case 'object':
    case 'array':
      if (actual !== schema.type) errors.push(`${at}: expected ${schema.type}, got ${actual}`);
      break;
    default:
      errors.push(`${at}: unknown schema type ${schema.type}`);
  }
  if (errors.length > 0) return errors;
  if (typeof value === 'string') {
    const problem = formatError(schema.format, value);
    if (problem) errors.push(`${at}: ${problem}`);
  }
  if (Array.isArray(value) && schema.items) {
    value.forEach((item, index) => errors.push(...validate(document, schema.items!, item, `${at}[${index}]`)));
  }
  if (actual === 'object' && (schema.type === 'object' || schema.properties || schema.required)) {
    const object = value as Record<string, unknown>;
    for (const name of schema.required ?? []) if (!(name in object)) errors.push(`${at}: missing required property ${name}`);
    for (const [name, property] of Object.entries(object)) {
      const declared = schema.properties?.[name];
      if (declared) errors.push(...validate(document, declared, property, `${at}.${name}`));
      else if (typeof schema.additionalProperties === 'object') errors.push(...validate(document, schema.additionalProperties, property, `${at}.${name}`));
      else if (schema.additionalProperties !== true && (schema.properties || schema.additionalProperties === false)) {
        errors.push(`${at}: property ${name} is not in the schema`);
      }
    }
  }
  return errors;
}
