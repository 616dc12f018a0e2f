import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { ModulesContainer } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { schemasFromValidationRules } from './validation-schemas.js';

type Operation = { responses?: Record<string, unknown>; requestBody?: unknown; parameters?: unknown[]; summary?: string };

const ERROR_SCHEMAS = {
  Error: {
    type: 'object',
    required: ['error', 'message'],
    properties: {
      error: { type: 'string', example: 'invalid_token' },
      message: { type: 'string' },
      requestId: { type: 'string', description: 'On 500 only: quote it when reporting the problem' },
    },
  },
  OAuthError: {
    type: 'object',
    required: ['error'],
    description: 'RFC 6749 §5.2',
    properties: {
      error: {
        type: 'string',
        enum: ['invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope', 'server_error'],
      },
      error_description: { type: 'string' },
    },
  },
};

/** The errors every route may answer with, by path; the route's own decorators may add more. */
function errorsFor(path: string, method: string): Record<string, string> {
  const errors: Record<string, string> = { '500': 'Unexpected error: a generic message and the request id' };
  if (path.startsWith('/health') || path.startsWith('/.well-known')) return errors;
  if (method !== 'get' || path.includes('{')) errors['400'] = 'Malformed request, wrong types, unknown fields or a body over 16 KiB';
  if (path.startsWith('/api/admin') || path.startsWith('/api/webhooks')) {
    errors['401'] = 'Missing or wrong credentials';
    if (path.includes('{')) errors['404'] = 'No such resource';
  } else if (path.startsWith('/oauth/')) {
    errors['401'] = 'invalid_client (with WWW-Authenticate: Basic when Basic was used)';
    errors['429'] = 'Rate limited; Retry-After gives seconds';
  } else if (path.startsWith('/api/')) {
    errors['401'] = 'Invalid, expired, revoked or reused token, or wrong credentials (WWW-Authenticate)';
    errors['403'] = 'Cross-site request refused (Origin check)';
    errors['429'] = 'Rate limited; Retry-After gives seconds';
  } else if (path.startsWith('/portal/api/')) {
    errors['401'] = 'No live portal session, or a used or expired portal link';
    errors['403'] = 'Cross-site request refused (Origin check), or a public client signing in';
    if (path.includes('{')) errors['404'] = 'No such endpoint or delivery for this client';
  } else if (path === '/metrics') {
    errors['401'] = 'METRICS_TOKEN is set and was not presented';
  }
  if (method !== 'get' && method !== 'delete') errors['415'] = 'Unsupported content type';
  return errors;
}

/** Bodies that are not DTO classes (form-urlencoded OAuth requests). */
const FORM_BODIES: Record<string, Record<string, unknown>> = {
  '/oauth/token': {
    type: 'object',
    required: ['grant_type', 'refresh_token'],
    properties: {
      grant_type: { type: 'string', enum: ['refresh_token'] },
      refresh_token: { type: 'string' },
      scope: { type: 'string', description: 'Space-delimited; a narrower scope for the new access token only' },
      client_id: { type: 'string' },
      client_secret: { type: 'string', description: 'client_secret_post; or use HTTP Basic (client_secret_basic)' },
    },
  },
};

function openApiPath(...parts: (string | string[] | undefined)[]): string {
  const joined = parts
    .map((part) => (Array.isArray(part) ? part[0] : part) ?? '')
    .join('/')
    .split('/')
    .filter(Boolean)
    .join('/');
  return `/${joined}`.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/**
 * Query parameters of handlers that take a whole query DTO (`@Query() query: PageQueryDto`),
 * which Swagger cannot see without decorators: read from the DTO's validation rules.
 */
function queryParameters(app: NestFastifyApplication, schemas: Map<string, Record<string, any>>): Map<string, unknown[]> {
  const found = new Map<string, unknown[]>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const type = wrapper.metatype as (new (...args: never[]) => unknown) | undefined;
      if (!type) continue;
      const prefix = Reflect.getMetadata(PATH_METADATA, type) as string | string[] | undefined;
      for (const name of Object.getOwnPropertyNames(type.prototype)) {
        const handler = (type.prototype as Record<string, unknown>)[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        const path = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        if (method === undefined || path === undefined) continue;
        const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, type, name) ?? {}) as Record<string, { index: number; data?: unknown }>;
        const types = (Reflect.getMetadata('design:paramtypes', type.prototype, name) ?? []) as Function[];
        for (const [key, arg] of Object.entries(args)) {
          if (Number(key.split(':')[0]) !== RouteParamtypes.QUERY || arg.data !== undefined) continue;
          const schema = schemas.get(types[arg.index]?.name ?? '');
          if (!schema) continue;
          const required = new Set<string>(schema.required ?? []);
          found.set(
            `${RequestMethod[method].toLowerCase()} ${openApiPath(prefix, path)}`,
            Object.entries(schema.properties ?? {}).map(([property, propertySchema]) => ({
              name: property,
              in: 'query',
              required: required.has(property),
              schema: propertySchema,
            })),
          );
        }
      }
    }
  }
  return found;
}

const TOKEN_PAIR = {
  type: 'object',
  properties: {
    token: { type: 'string', description: 'JWT access token' },
    refreshToken: { type: 'string', description: 'Opaque refresh token (absent in cookie mode unless COOKIE_BODY_TOKENS=true)' },
    refreshTokenId: { type: 'string', description: 'The family id (`sid` in the access token)' },
    expiresIn: { type: 'integer', description: 'Seconds until the access token expires' },
  },
};

/** Success bodies of the token endpoints, which return plain objects Swagger cannot see. */
const SUCCESS_BODIES: Record<string, { status: string; schema: Record<string, unknown> }> = {
  'post /oauth/token': {
    status: '200',
    schema: {
      type: 'object',
      required: ['access_token', 'refresh_token', 'token_type', 'expires_in'],
      properties: {
        access_token: { type: 'string' },
        refresh_token: { type: 'string' },
        token_type: { type: 'string', enum: ['bearer'] },
        expires_in: { type: 'integer' },
        expires: { type: 'integer', description: 'Same as expires_in' },
        scope: { type: 'string' },
      },
    },
  },
  'post /api/auth/login': { status: '200', schema: TOKEN_PAIR },
  'post /api/auth/refresh': { status: '200', schema: TOKEN_PAIR },
  'post /api/jwt/refresh': { status: '200', schema: TOKEN_PAIR },
};

export function buildOpenApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Refresh-token service')
    .setDescription('Issues, rotates and revokes refresh tokens, signs JWT access tokens, and announces refreshes by signed webhooks.')
    .setVersion('1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'ADMIN_API_KEY, METRICS_TOKEN or an access token' })
    .addBasicAuth({ type: 'http', scheme: 'basic', description: 'OAuth client credentials (client_secret_basic)' })
    .build();
  const document = SwaggerModule.createDocument(app, config);
  const schemas = (document.components ??= {}).schemas ??= {};
  const validationSchemas = schemasFromValidationRules();
  const queries = queryParameters(app, validationSchemas);
  for (const [name, schema] of validationSchemas) {
    const existing = schemas[name] as { properties?: Record<string, unknown> } | undefined;
    if (existing && Object.keys(existing.properties ?? {}).length > 0) continue;
    if (existing) schemas[name] = schema;
  }
  Object.assign(schemas, ERROR_SCHEMAS);
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item as Record<string, Operation>)) {
      const responses = (operation.responses ??= {});
      const schemaRef = { $ref: `#/components/schemas/${path.startsWith('/oauth/') ? 'OAuthError' : 'Error'}` };
      for (const [status, description] of Object.entries(errorsFor(path, method))) {
        responses[status] ??= { description, content: { 'application/json': { schema: schemaRef } } };
      }
      const success = SUCCESS_BODIES[`${method} ${path}`];
      if (success) responses[success.status] = { description: 'OK', content: { 'application/json': { schema: success.schema } } };
      const query = queries.get(`${method} ${path}`);
      if (query) operation.parameters = [...(operation.parameters ?? []), ...query];
      const form = FORM_BODIES[path];
      if (form && method === 'post') {
        operation.requestBody = {
          required: true,
          content: { 'application/x-www-form-urlencoded': { schema: form }, 'application/json': { schema: form } },
        };
      }
    }
  }
  return document;
}

/** A Map, not an object: a file name such as `constructor` or `__proto__` must find nothing. */
const UI_ASSETS: ReadonlyMap<string, string> = new Map([
  ['swagger-ui.css', 'text/css; charset=utf-8'],
  ['swagger-ui-bundle.js', 'application/javascript; charset=utf-8'],
  ['swagger-ui-standalone-preset.js', 'application/javascript; charset=utf-8'],
]);

const UI_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Refresh-token service API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/swagger-ui-standalone-preset.js"></script>
<script src="/docs/assets/init.js"></script>
</body></html>`;

const UI_INIT = `window.ui = SwaggerUIBundle({ url: '/docs-json', dom_id: '#swagger-ui', presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout' });`;

/**
 * Serves the OpenAPI document at /docs-json (and /docs-yaml) and the Swagger UI at /docs.
 * The UI's few files are served by hand rather than through @fastify/static, which the
 * ESM test runner cannot load.
 */
export function setupOpenApi(app: NestFastifyApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
    ui: false,
    jsonDocumentUrl: 'docs-json',
    yamlDocumentUrl: 'docs-yaml',
  });
  const assets = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  const fastify = app.getHttpAdapter().getInstance();
  fastify.get('/docs', (_request, reply) => reply.type('text/html; charset=utf-8').send(UI_PAGE));
  fastify.get('/docs/assets/init.js', (_request, reply) => reply.type('application/javascript; charset=utf-8').send(UI_INIT));
  fastify.get<{ Params: { file: string } }>('/docs/assets/:file', async (request, reply) => {
    const type = UI_ASSETS.get(request.params.file);
    if (!type) return reply.code(404).send({ error: 'not_found', message: 'No such file' });
    return reply.type(type).header('cache-control', 'public, max-age=86400').send(await readFile(join(assets, request.params.file)));
  });
}
