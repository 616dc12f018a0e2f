import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';

/** The document comes from the controllers' and DTOs' own @nestjs/swagger decorators. */
export function buildOpenApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Refresh-token service')
    .setDescription('Issues, rotates and revokes refresh tokens, signs JWT access tokens, and announces refreshes by signed webhooks.')
    .setVersion('1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: undefined, description: 'ADMIN_API_KEY' }, 'admin-key')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An access token of ours' }, 'access-token')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: undefined, description: 'METRICS_TOKEN, when set' }, 'metrics-token')
    .addBasicAuth({ type: 'http', scheme: 'basic', description: 'OAuth client id and secret (client_secret_basic)' }, 'client-basic')
    .addCookieAuth('refresh_token', { type: 'apiKey', in: 'cookie', description: 'Cookie mode of the refresh endpoints' }, 'refresh-cookie')
    .addCookieAuth('portal_session', { type: 'apiKey', in: 'cookie', description: 'The portal session' }, 'portal-session')
    .build();
  return SwaggerModule.createDocument(app, config);
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
