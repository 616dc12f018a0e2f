import { Body, Controller, Get, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiCookieAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/http/api-errors.js';
import { PortalIdentityDto } from './dto/portal-answers.dto.js';
import { RateLimit, RateLimitGuard } from '../rate-limit/rate-limit.guard.js';
import { PortalSignInDto } from './dto/portal.dto.js';
import { NoStoreApi } from '../common/http/all-exceptions.filter.js';
import { PortalAccessService, type PortalIdentity } from './portal-access.service.js';
import { PortalCookie, type HeaderWriter } from './portal-cookie.js';
import { CurrentPortalIdentity, PortalOriginGuard, PortalSessionGuard } from './portal-session.guard.js';

/** Getting into the portal and out of it. The link token arrives in a POST body, never in a URL the server sees. */
@ApiTags('portal')
@ApiErrors([403, 'Cross-site request refused (Origin check)'], 503)
@Controller('portal/api')
@NoStoreApi()
export class PortalSessionController {
  constructor(
    private readonly access: PortalAccessService,
    private readonly cookie: PortalCookie,
  ) {}

  @Post('session')
  @ApiOperation({
    summary: 'Sign in to the portal',
    description:
      'By a one-time link’s token, or by a confidential client’s id and secret. Sets the HttpOnly, SameSite=Strict session cookie, scoped to that client for one hour.',
  })
  @ApiOkResponse({ type: PortalIdentityDto })
  @ApiErrors(400, [401, 'A used or expired link, or wrong client credentials'], [403, 'Cross-site request, or a public client signing in'], 415, 429)
  @HttpCode(200)
  @RateLimit('login')
  @UseGuards(RateLimitGuard, PortalOriginGuard)
  async signIn(@Body() body: PortalSignInDto, @Res({ passthrough: true }) response: HeaderWriter): Promise<PortalIdentity> {
    const { token, maxAgeSeconds, ...identity } = await this.access.start(body);
    this.cookie.set(response, token, maxAgeSeconds);
    return identity;
  }

  @Get('session')
  @ApiOperation({ summary: 'The current portal session', description: 'Which client the session cookie belongs to, and when it ends.' })
  @ApiCookieAuth('portal-session')
  @ApiOkResponse({ type: PortalIdentityDto })
  @ApiErrors([401, 'No live portal session'])
  @UseGuards(PortalSessionGuard)
  current(@CurrentPortalIdentity() identity: PortalIdentity): PortalIdentity {
    return identity;
  }

  @Post('logout')
  @ApiOperation({ summary: 'Leave the portal', description: 'Ends the session and clears its cookie; without a live session it still answers 204.' })
  @ApiNoContentResponse({ description: 'Signed out' })
  @HttpCode(204)
  @UseGuards(PortalOriginGuard)
  async logout(@Req() request: { headers: Record<string, string | string[] | undefined> }, @Res({ passthrough: true }) response: HeaderWriter): Promise<void> {
    await this.access.endSession(this.cookie.read(request.headers.cookie));
    this.cookie.clear(response);
  }
}
