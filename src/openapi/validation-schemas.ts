import { getMetadataStorage } from 'class-validator';

type Schema = Record<string, unknown> & { properties?: Record<string, Record<string, unknown>>; required?: string[] };

interface ValidationRule {
  name?: string;
  type: string;
  propertyName: string;
  each?: boolean;
  constraints?: unknown[];
}

/**
 * JSON schemas for the request DTOs, read from their class-validator rules, so that the
 * OpenAPI document describes every body exactly as the ValidationPipe enforces it without
 * repeating each rule in a Swagger decorator.
 */
export function schemasFromValidationRules(): Map<string, Schema> {
  const storage = getMetadataStorage() as unknown as { validationMetadatas: Map<Function, ValidationRule[]> };
  const schemas = new Map<string, Schema>();
  for (const [target, rules] of storage.validationMetadatas) {
    if (typeof target !== 'function' || !target.name) continue;
    const properties: Record<string, Record<string, unknown>> = {};
    const optional = new Set<string>();
    for (const rule of rules) {
      const property = (properties[rule.propertyName] ??= {});
      if (rule.type === 'conditionalValidation' && rule.name === 'isOptional') optional.add(rule.propertyName);
      describe(property, rule);
    }
    const required = Object.keys(properties).filter((name) => !optional.has(name));
    schemas.set(target.name, { type: 'object', properties, additionalProperties: false, ...(required.length ? { required } : {}) });
  }
  return schemas;
}

function describe(property: Record<string, unknown>, rule: ValidationRule): void {
  const [first] = rule.constraints ?? [];
  const target = rule.each ? ((property.items as Record<string, unknown>) ??= {}) : property;
  if (rule.each) property.type = 'array';
  switch (rule.name) {
    case 'isString':
      target.type = 'string';
      break;
    case 'isBoolean':
      target.type = 'boolean';
      break;
    case 'isInt':
      target.type = 'integer';
      break;
    case 'isNumber':
      target.type = 'number';
      break;
    case 'isArray':
      property.type = 'array';
      property.items ??= {};
      break;
    case 'isNotEmpty':
      if (target.type === 'string' || target.type === undefined) target.minLength ??= 1;
      break;
    case 'maxLength':
      target.maxLength = first;
      break;
    case 'minLength':
      target.minLength = first;
      break;
    case 'arrayMaxSize':
      property.maxItems = first;
      break;
    case 'arrayMinSize':
      property.minItems = first;
      break;
    case 'max':
      target.maximum = first;
      break;
    case 'min':
      target.minimum = first;
      break;
    case 'matches':
      if (first instanceof RegExp) target.pattern = first.source;
      else if (typeof first === 'string') target.pattern = first;
      break;
    case 'isIn':
    case 'isEnum':
      if (Array.isArray(first)) target.enum = first;
      else if (first && typeof first === 'object') target.enum = Object.values(first);
      break;
    case 'isUrl':
      target.type = 'string';
      target.format = 'uri';
      break;
    case 'isUUID':
      target.type = 'string';
      target.format = 'uuid';
      break;
  }
}
