import { Controller, Get, Header, Inject, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/http/api-errors.js';
import type { FastifyRequest } from 'fastify';
import { constantTimeEqual } from '../common/crypto/hashing.js';
import { DomainError } from '../common/errors/domain-error.js';
import { appConfig, type AppConfig } from '../config/app.config.js';
import { MetricsService } from './metrics.service.js';
import { bearerToken } from '../common/http/bearer-token.js';

@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {}

  @Get()
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary: 'Prometheus metrics',
    description: 'Refreshes by outcome, reuse detections, grace replays, webhook attempts by outcome, delivery latency, pending deliveries, rate-limit storage. Bearer METRICS_TOKEN when that is set.',
  })
  @ApiBearerAuth('metrics-token')
  @ApiOkResponse({ description: 'Prometheus text exposition format', content: { 'text/plain': { schema: { type: 'string' } } } })
  @ApiErrors([401, 'METRICS_TOKEN is set and the request does not carry it'])
  async scrape(@Req() request: FastifyRequest): Promise<string> {
    this.authorize(request);
    return this.metrics.render();
  }

  private authorize(request: FastifyRequest): void {
    const token = this.config.metricsToken;
    if (!token) return;
    if (!constantTimeEqual(bearerToken(request.headers.authorization) ?? '', token)) {
      throw new DomainError('unauthorized', 'A valid metrics token is required', { challenge: 'Bearer realm="metrics"' });
    }
  }
}
