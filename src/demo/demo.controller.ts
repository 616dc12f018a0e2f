import { Controller, Get, Header } from '@nestjs/common';
import { DEMO_PAGE, DEMO_SCRIPT } from './demo-page.js';

/**
 * The smallest page that shows the cookie-mode flow in a browser. The script is served
 * apart from the page so that a `script-src 'self'` Content-Security-Policy allows it.
 */
@Controller('demo')
export class DemoController {
  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  page(): string {
    return DEMO_PAGE;
  }

  @Get('app.js')
  @Header('content-type', 'text/javascript; charset=utf-8')
  script(): string {
    return DEMO_SCRIPT;
  }
}
