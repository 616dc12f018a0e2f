import { Controller, Get, Header, NotFoundException, Param, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/http/api-errors.js';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** No inline script or style, nothing from another origin, never framed. */
export const PORTAL_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

interface Asset {
  body: Buffer;
  type: string;
}

const STATIC_DIR = join(dirname(fileURLToPath(import.meta.url)), 'static');
const TYPES: Record<string, string> = { html: 'text/html; charset=utf-8', css: 'text/css; charset=utf-8', js: 'text/javascript; charset=utf-8' };

function asset(file: string): Asset {
  return { body: readFileSync(file), type: TYPES[file.slice(file.lastIndexOf('.') + 1)]! };
}

/**
 * The portal's static files, from a fixed list read once at start: a name outside the list
 * (`..`, `constructor`, anything) is a 404, and no path from the URL ever reaches the file
 * system. Chart.js is served from its npm package, so the page makes no external request.
 */
@ApiTags('portal')
@ApiErrors()
@Controller('portal')
export class PortalPageController {
  private readonly assets = new Map<string, Asset>([
    ...['portal.css', 'app.js', 'api.js', 'dom.js', 'views.js'].map((name) => [name, asset(join(STATIC_DIR, name))] as const),
    ['chart.umd.min.js', asset(join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js'))],
  ]);
  private readonly page = asset(join(STATIC_DIR, 'index.html'));

  @Get()
  @ApiOperation({ summary: 'The integrator portal page', description: 'Static HTML under a strict Content-Security-Policy; the page talks to /portal/api.' })
  @ApiOkResponse({ description: 'The page', content: { 'text/html': { schema: { type: 'string' } } } })
  @Header('content-security-policy', PORTAL_CSP)
  @Header('cache-control', 'no-cache')
  @Header('x-content-type-options', 'nosniff')
  @Header('referrer-policy', 'no-referrer')
  index(): StreamableFile {
    return new StreamableFile(this.page.body, { type: this.page.type });
  }

  @Get(':file')
  @ApiOperation({ summary: 'A portal asset', description: 'One of a fixed list of scripts and styles; any other name is a 404.' })
  @ApiOkResponse({ description: 'The file', content: { 'text/javascript': { schema: { type: 'string' } }, 'text/css': { schema: { type: 'string' } } } })
  @ApiErrors([404, 'No such portal file'])
  @Header('content-security-policy', PORTAL_CSP)
  @Header('cache-control', 'no-cache')
  @Header('x-content-type-options', 'nosniff')
  file(@Param('file') name: string): StreamableFile {
    const found = this.assets.get(name);
    if (!found) throw new NotFoundException('No such portal file');
    return new StreamableFile(found.body, { type: found.type });
  }
}
