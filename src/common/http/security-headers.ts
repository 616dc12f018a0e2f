import helmet, { type HelmetOptions } from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The response headers helmet sets for `options`, worked out once. @fastify/helmet built a
 * new helmet middleware on every request, parsing the whole policy again each time; with
 * static options (no nonces, no directive computed per request) every answer gets the same
 * headers, so an onRequest hook can simply add these.
 */
export function securityHeaders(options: Readonly<HelmetOptions>): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const collector = {
    setHeader(name: string, value: string): void {
      headers[name.toLowerCase()] = value;
    },
    removeHeader(): void {
      // X-Powered-By: Fastify never sets it.
    },
  };
  helmet(options)({} as IncomingMessage, collector as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error;
  });
  return Object.freeze(headers);
}
