import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/http/api-errors.js';
import { HealthCheckDto } from './health.dto.js';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { DatabaseHealth } from '../database/database-health.js';
import type { DescribedRateLimitStorage } from '../rate-limit/rate-limit-metrics.js';
import { RATE_LIMIT_STORAGE } from '../rate-limit/rate-limit.storage.js';

const DATABASE_CHECK_TIMEOUT_MS = 3_000;

function describes(storage: ThrottlerStorage): storage is ThrottlerStorage & DescribedRateLimitStorage {
  return typeof (storage as Partial<DescribedRateLimitStorage>).state === 'function';
}

/**
 * Liveness (the process answers) and readiness (it can reach its database, and writes
 * succeed). The rate-limit storage is reported too: Redis away is `degraded`, not down, since
 * each process keeps limiting in memory.
 */
@ApiTags('operations')
@ApiErrors()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly databaseHealth: DatabaseHealth,
    @Inject(RATE_LIMIT_STORAGE) private readonly rateLimitStorage: ThrottlerStorage,
  ) {}

  @Get()
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOperation({ summary: 'Readiness (alias of /health/ready)', description: 'The same checks as /health/ready: the database answers, writes succeed, and the rate-limit storage (Redis away is degraded, not down).' })
  @ApiOkResponse({ type: HealthCheckDto, description: 'Every check is up (or degraded)' })
  @ApiServiceUnavailableResponse({ type: HealthCheckDto, description: 'The database does not answer, or writes fail' })
  check() {
    return this.ready();
  }

  @Get('ready')
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOperation({ summary: 'Readiness', description: '200 when the database answers and writes succeed, else 503 naming the failed check. The rate-limit storage is reported too: Redis away is `degraded`, not down.' })
  @ApiOkResponse({ type: HealthCheckDto, description: 'Every check is up (or degraded)' })
  @ApiServiceUnavailableResponse({ type: HealthCheckDto, description: 'The database does not answer, or writes fail' })
  ready() {
    return this.health.check([
      () => this.database.pingCheck('database').withTimeout(DATABASE_CHECK_TIMEOUT_MS),
      () => this.writes(),
      () => this.rateLimit(),
    ]);
  }

  @Get('live')
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOperation({ summary: 'Liveness', description: '200 while the process serves requests, whatever the state of the database.' })
  @ApiOkResponse({ type: HealthCheckDto, description: 'Every check is up (or degraded)' })
  live() {
    return this.health.check([]);
  }

  private async writes() {
    const indicator = this.indicators.check('writes');
    const state = await this.databaseHealth.writeHealth();
    return state.ok ? indicator.up() : indicator.down({ cause: state.cause, since: state.since });
  }

  private rateLimit() {
    const indicator = this.indicators.check('rateLimit');
    const state = describes(this.rateLimitStorage) ? this.rateLimitStorage.state() : { storage: 'memory' as const, degraded: false };
    return state.degraded ? indicator.degraded({ ...state }) : indicator.up({ ...state });
  }
}
