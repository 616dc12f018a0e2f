import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/http/api-errors.js';
import { DEMO_PAGE, DEMO_SCRIPT } from './demo-page.js';

/**
 * The smallest page that shows the cookie-mode flow in a browser. The script is served
 * apart from the page so that a `script-src 'self'` Content-Security-Policy allows it.
 */
@ApiTags('demo')
@ApiErrors()
@Controller('demo')
export class DemoController {
  @Get()
  @ApiOperation({ summary: 'Cookie-mode demo page', description: 'The smallest page that logs in and refreshes in cookie mode in a browser.' })
  @ApiOkResponse({ description: 'The page', content: { 'text/html': { schema: { type: 'string' } } } })
  @Header('content-type', 'text/html; charset=utf-8')
  page(): string {
    return DEMO_PAGE;
  }

  @Get('app.js')
  @ApiOperation({ summary: 'The demo page’s script', description: 'Served apart from the page so that `script-src \'self\'` allows it.' })
  @ApiOkResponse({ description: 'The script', content: { 'text/javascript': { schema: { type: 'string' } } } })
  @Header('content-type', 'text/javascript; charset=utf-8')
  script(): string {
    return DEMO_SCRIPT;
  }
}
