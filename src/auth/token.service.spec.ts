import 'reflect-metadata';
import { ConsoleLogger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { Test, type TestingModule } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClientsService, type ClientRecord } from '../clients/clients.service.js';
import { Clock } from '../common/clock.js';
import { createScratchDatabase } from '../../test/support/postgres-database.js';
import { DomainError } from '../common/errors/domain-error.js';
import { Database } from '../database/database.js';
import { InfrastructureModule } from '../infrastructure.module.js';
import { UsersService } from '../users/users.service.js';
import type { UserRecord } from '../users/user-store.js';
import { AccessTokenService } from './access-token.service.js';
import { AuthModule } from './auth.module.js';
import { TokenEvents } from './events/token-events.js';
import { TokenRevocationService } from './token-revocation.service.js';
import { TokenService, type IssuedTokens } from './token.service.js';

/** A clock the test moves by hand. */
class ManualClock extends Clock {
  current = Date.UTC(2026, 0, 1);
  override now(): number {
    return this.current;
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

const SECOND = 1000;
const DAY = 24 * 60 * 60 * SECOND;

interface Harness {
  module: TestingModule;
  tokens: TokenService;
  clock: ManualClock;
  clients: ClientsService;
  users: UsersService;
  events: { type: string; data: Record<string, unknown> }[];
  close(): Promise<void>;
}

async function harness(env: Record<string, string> = {}): Promise<Harness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'rts-unit-'));
  // On the PostgreSQL pass each harness gets a database of its own, as each SQLite file is.
  const scratch = process.env.DATABASE_URL ? await createScratchDatabase(process.env.DATABASE_URL) : undefined;
  const saved = { ...process.env };
  Object.assign(process.env, {
    ...(scratch ? { DATABASE_URL: scratch.url } : {}),
    DATA_DIR: dataDir,
    KEY_ENCRYPTION_KEY: randomBytes(24).toString('base64url'),
    REFRESH_TOKEN_TTL: String(30 * 24 * 3600),
    REFRESH_TOKEN_IDLE_TTL: String(14 * 24 * 3600),
    REFRESH_REUSE_GRACE_SECONDS: '10',
    ...env,
  });
  const clock = new ManualClock();
  try {
    const module = await Test.createTestingModule({
      imports: [
        InfrastructureModule,
        AuthModule,
      ],
    })
      .overrideProvider(Clock)
      .useValue(clock)
      .setLogger(new ConsoleLogger({ logLevels: ['error'] }))
      .compile();
    await module.init();
    const events: Harness['events'] = [];
    const emitter = module.get(EventEmitter2);
    for (const type of Object.values(TokenEvents)) {
      emitter.on(type, (event: { data: Record<string, unknown> }) => events.push({ type, data: event.data }));
    }
    return {
      module,
      tokens: module.get(TokenService),
      clock,
      clients: module.get(ClientsService),
      users: module.get(UsersService),
      events,
      close: async () => {
        await module.close();
        await scratch?.drop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}

const flushEvents = () => new Promise((resolve) => setImmediate(resolve));

async function expectInvalid(promise: Promise<unknown>, code = 'invalid_grant'): Promise<void> {
  await expect(promise).rejects.toBeInstanceOf(DomainError);
  await expect(promise).rejects.toMatchObject({ code });
}

describe('TokenService', () => {
  let h: Harness;
  let client: ClientRecord;
  let user: UserRecord;
  let login: IssuedTokens;

  const refresh = (refreshToken: string, overrides: Partial<Parameters<TokenService['refresh']>[0]> = {}) =>
    h.tokens.refresh({ refreshToken, client, ...overrides });

  beforeEach(async () => {
    h = await harness();
    client = await h.clients.create({ name: 'app', audience: 'lemonApp', public: true });
    user = await h.users.create({ loginId: `u${Math.random()}@example.com`, password: 'correct horse battery', roles: ['user'] });
    login = await h.tokens.issue({ user, client });
  });
  afterEach(() => h.close());

  it('rotates: the presented token is consumed and a different successor is returned', async () => {
    const first = await refresh(login.refreshToken);
    expect(first.refreshToken).not.toBe(login.refreshToken);
    expect(first.familyId).toBe(login.familyId);
    const second = await refresh(first.refreshToken);
    expect(second.refreshToken).not.toBe(first.refreshToken);
  });

  it('replays inside the grace window with the same successor, and emits replay: true', async () => {
    const first = await refresh(login.refreshToken);
    h.clock.advance(9_999);
    const replay = await refresh(login.refreshToken);
    expect(replay.refreshToken).toBe(first.refreshToken);
    expect(replay.accessToken).not.toBe(first.accessToken);
    await flushEvents();
    const refreshed = h.events.filter((event) => event.type === TokenEvents.Refreshed);
    expect(refreshed.map((event) => event.data.replay)).toEqual([false, true]);
  });

  it('treats the grace boundary as exclusive: at exactly the grace period the old token is reuse', async () => {
    const first = await refresh(login.refreshToken);
    h.clock.advance(10 * SECOND);
    await expectInvalid(refresh(login.refreshToken));
    // The family is revoked: the successor dies too.
    await expectInvalid(refresh(first.refreshToken));
  });

  it('revokes the whole family on reuse after grace and emits token.reuse_detected', async () => {
    const first = await refresh(login.refreshToken);
    h.clock.advance(11 * SECOND);
    await expectInvalid(refresh(login.refreshToken));
    await expectInvalid(refresh(first.refreshToken));
    await flushEvents();
    const reuse = h.events.find((event) => event.type === TokenEvents.ReuseDetected);
    expect(reuse?.data).toMatchObject({ familyId: login.familyId, reason: 'reuse_after_grace' });
    expect(JSON.stringify(h.events)).not.toContain(login.refreshToken);
  });

  it('does not replay once the successor has been used: an older token is reuse', async () => {
    const first = await refresh(login.refreshToken);
    const second = await refresh(first.refreshToken);
    await expectInvalid(refresh(login.refreshToken));
    await expectInvalid(refresh(second.refreshToken));
    await flushEvents();
    expect(h.events.find((event) => event.type === TokenEvents.ReuseDetected)?.data.reason).toBe('stale_token');
  });

  it('with grace 0, presenting a consumed token at once is reuse', async () => {
    await h.close();
    h = await harness({ REFRESH_REUSE_GRACE_SECONDS: '0' });
    client = await h.clients.create({ name: 'app', audience: 'lemonApp', public: true });
    user = await h.users.create({ loginId: 'zero@example.com', password: 'correct horse battery' });
    login = await h.tokens.issue({ user, client });
    const first = await refresh(login.refreshToken);
    await expectInvalid(refresh(login.refreshToken));
    await expectInvalid(refresh(first.refreshToken));
  });

  it('expires a token after the idle lifetime since it was issued', async () => {
    h.clock.advance(14 * DAY - 1);
    const first = await refresh(login.refreshToken);
    h.clock.advance(14 * DAY);
    await expectInvalid(refresh(first.refreshToken));
  });

  it('enforces the absolute family lifetime: rotation does not extend it', async () => {
    let current = login.refreshToken;
    for (let week = 0; week < 4; week++) {
      h.clock.advance(7 * DAY);
      current = (await refresh(current)).refreshToken;
    }
    // 31 days after login: the token is young, but the 30-day family lifetime is over.
    h.clock.advance(3 * DAY);
    await expectInvalid(refresh(current));
  });

  it('caps the successor lifetime at the family expiry', async () => {
    h.clock.advance(13 * DAY);
    const early = await refresh(login.refreshToken);
    expect(early.refreshTokenExpiresAt).toBe(Date.UTC(2026, 0, 1) + 27 * DAY);
    h.clock.advance(12 * DAY);
    const late = await refresh(early.refreshToken);
    expect(late.refreshTokenExpiresAt).toBe(Date.UTC(2026, 0, 1) + 30 * DAY);
  });

  it('binds a token to its client: another client fails and does not consume it', async () => {
    const other = await h.clients.create({ name: 'other', audience: 'lemonApp', public: true });
    await expectInvalid(refresh(login.refreshToken, { client: other }));
    const stillValid = await refresh(login.refreshToken);
    expect(stillValid.refreshToken).toBeTruthy();
  });

  it('refuses a confidential client token on the cookie-or-body path (client null) without consuming it', async () => {
    const confidential = await h.clients.create({ name: 'server', audience: 'api', public: false });
    const pair = await h.tokens.issue({ user, client: confidential });
    await expectInvalid(h.tokens.refresh({ refreshToken: pair.refreshToken, client: null }));
    await expect(h.tokens.refresh({ refreshToken: pair.refreshToken, client: confidential })).resolves.toBeTruthy();
  });

  it('narrows scope for the access token only, and refuses a wider scope without consuming', async () => {
    await expectInvalid(refresh(login.refreshToken, { scope: ['openid', 'admin'] }), 'invalid_scope');
    const narrowed = await refresh(login.refreshToken, { scope: ['openid'] });
    expect(narrowed.scope).toEqual(['openid']);
    const claims = await h.module.get(AccessTokenService).verify(narrowed.accessToken);
    expect(claims.scope).toEqual(['openid']);
    // The refresh token keeps the scope originally granted.
    const next = await refresh(narrowed.refreshToken);
    expect(next.scope).toEqual(['openid', 'profile', 'offline_access']);
  });

  it('reads roles at every refresh', async () => {
    await h.module.get(Database).transaction((tx) => h.users.update(tx, user.id, { roles: ['user', 'admin'] }));
    const next = await refresh(login.refreshToken);
    const claims = await h.module.get(AccessTokenService).verify(next.accessToken);
    expect(claims.roles).toEqual(['user', 'admin']);
  });

  it('fails for a deleted user, and for a deleted client', async () => {
    const db = h.module.get(Database);
    await db.transaction((tx) => h.users.delete(tx, user.id));
    await expectInvalid(refresh(login.refreshToken));

    const user2 = await h.users.create({ loginId: 'second@example.com', password: 'correct horse battery' });
    const pair = await h.tokens.issue({ user: user2, client });
    await db.transaction((tx) => h.clients.delete(tx, client.clientId));
    await expectInvalid(refresh(pair.refreshToken));
  });

  it('revoking a family (logout, admin) kills its live token and emits token.revoked', async () => {
    const first = await refresh(login.refreshToken);
    await h.module.get(TokenRevocationService).revoke({ familyId: login.familyId }, 'logout');
    await expectInvalid(refresh(first.refreshToken));
    await flushEvents();
    expect(h.events.find((event) => event.type === TokenEvents.Revoked)?.data).toMatchObject({ familyId: login.familyId, reason: 'logout' });
  });

  it('refuses unknown, empty and oversized tokens', async () => {
    await expectInvalid(refresh('not-a-token'));
    await expectInvalid(refresh(''));
    await expectInvalid(refresh('x'.repeat(10_000)));
  });

  describe('a read started ahead (readAhead, while the client authenticates)', () => {
    it('decides nothing: the token stays live until refresh() consumes it', async () => {
      const read = h.tokens.readAhead(login.refreshToken);
      expect(read).toBeDefined();
      await read!.presented;
      const rotated = await refresh(login.refreshToken, { readAhead: read });
      expect(rotated.familyId).toBe(login.familyId);
      expect(rotated.refreshToken).not.toBe(login.refreshToken);
    });

    it('is used only for the token it read: another token presented with it is read for itself', async () => {
      const other = await h.tokens.issue({ user, client });
      const read = h.tokens.readAhead(login.refreshToken);
      const rotated = await refresh(other.refreshToken, { readAhead: read });
      expect(rotated.familyId).toBe(other.familyId);
      // The token read ahead was not touched.
      expect((await refresh(login.refreshToken)).familyId).toBe(login.familyId);
    });

    it('is not trusted past a lost race: the token is read afresh, and the grace rules apply', async () => {
      const stale = h.tokens.readAhead(login.refreshToken);
      await stale!.presented;
      const first = await refresh(login.refreshToken);
      // The read still shows the token live; the conditional update says otherwise, and the fresh read finds it inside its grace window.
      const again = await refresh(login.refreshToken, { readAhead: stale });
      expect(again.refreshToken).toBe(first.refreshToken);
    });

    it('is none for a string that cannot be a refresh token', () => {
      expect(h.tokens.readAhead('')).toBeUndefined();
      expect(h.tokens.readAhead('x'.repeat(10_000))).toBeUndefined();
    });
  });

  it('lets exactly one of many concurrent refreshes win with grace 0; the rest are reuse', async () => {
    await h.close();
    h = await harness({ REFRESH_REUSE_GRACE_SECONDS: '0' });
    client = await h.clients.create({ name: 'app', audience: 'lemonApp', public: true });
    user = await h.users.create({ loginId: 'race@example.com', password: 'correct horse battery' });
    login = await h.tokens.issue({ user, client });
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => refresh(login.refreshToken)));
    const winners = results.filter((result) => result.status === 'fulfilled');
    expect(winners).toHaveLength(1);
    // The winner's successor died with the family.
    await expectInvalid(refresh((winners[0] as PromiseFulfilledResult<IssuedTokens>).value.refreshToken));
  });

  it('gives every concurrent refresh the same successor inside the grace window', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => refresh(login.refreshToken)));
    expect(new Set(results.map((result) => result.refreshToken)).size).toBe(1);
  });
});
