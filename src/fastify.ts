// The package's `./fastify` entry: the standalone server's full Fastify setup (the cookie plugin,
// helmet's security headers, CORS, validation, the error filter, OpenAPI), for hosts on @nestjs/platform-fastify
// that want all of it. Kept out of the root entry so Express hosts never load Fastify.
export { BODY_LIMIT_BYTES, configureApp, createHttpAdapter } from './app.setup.js';
