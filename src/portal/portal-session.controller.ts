import { Body, Controller, Get, HttpCode, Post, Req, Res, UseGuards, UseInterceptors } from '@nestjs/common';
import { RateLimit, RateLimitGuard } from '../rate-limit/rate-limit.guard.js';
import { PortalSignInDto } from './dto/portal.dto.js';
import { NoStoreInterceptor } from './no-store.interceptor.js';
import { PortalAccessService, type PortalIdentity } from './portal-access.service.js';
import { PortalCookie, type HeaderWriter } from './portal-cookie.js';
import { CurrentPortalIdentity, PortalOriginGuard, PortalSessionGuard } from './portal-session.guard.js';

/** Getting into the portal and out of it. The link token arrives in a POST body, never in a URL the server sees. */
@Controller('portal/api')
@UseInterceptors(NoStoreInterceptor)
export class PortalSessionController {
  constructor(
    private readonly access: PortalAccessService,
    private readonly cookie: PortalCookie,
  ) {}

  @Post('session')
  @HttpCode(200)
  @RateLimit('login')
  @UseGuards(RateLimitGuard, PortalOriginGuard)
  async signIn(@Body() body: PortalSignInDto, @Res({ passthrough: true }) response: HeaderWriter): Promise<PortalIdentity> {
    const { token, maxAgeSeconds, ...identity } = await this.access.start(body);
    this.cookie.set(response, token, maxAgeSeconds);
    return identity;
  }

  @Get('session')
  @UseGuards(PortalSessionGuard)
  current(@CurrentPortalIdentity() identity: PortalIdentity): PortalIdentity {
    return identity;
  }

  @Post('logout')
  @HttpCode(204)
  @UseGuards(PortalOriginGuard)
  async logout(@Req() request: { headers: Record<string, string | string[] | undefined> }, @Res({ passthrough: true }) response: HeaderWriter): Promise<void> {
    await this.access.endSession(this.cookie.read(request.headers.cookie));
    this.cookie.clear(response);
  }
}
