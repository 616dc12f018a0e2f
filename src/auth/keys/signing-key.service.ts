import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { calculateJwkThumbprint, exportJWK, exportPKCS8, generateKeyPair, importJWK, importPKCS8, type JWK } from 'jose';
import { KeyObject } from 'node:crypto';
import { Clock } from '../../common/clock.js';
import { SecretBox } from '../../common/crypto/secret-box.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { authConfig, type AuthConfig, type JwtAlgorithm } from '../../config/auth.config.js';
import { Database } from '../../database/database.js';
import { isWellFormedKid } from './protected-header.js';
import { SigningKey } from './signing-key.entity.js';
import { SigningKeyRepository } from './signing-key.repository.js';

/** At most this many verification keys are kept imported; only published keys get in. */
export const MAX_CACHED_VERIFICATION_KEYS = 16;
/**
 * How long a process trusts what it last read of a key's publication. Publication ending on
 * schedule is checked against the clock at every verification; an emergency revoke made by
 * another process reaches this one within this time (in the process that revoked, at once).
 */
export const KEY_STATE_TTL_MS = 1_000;

/** The JWKS rule, and the only rule for verification: a key is trusted exactly while it is published. */
export function isPublished(key: { retiredAt: number | null; publishedUntil: number | null }, now: number): boolean {
  return key.retiredAt === null || (key.publishedUntil !== null && key.publishedUntil > now);
}

interface VerificationKey {
  alg: string;
  key: CryptoKey;
  retiredAt: number | null;
  publishedUntil: number | null;
  /** performance.now() when the publication state was read. */
  checkedAt: number;
  refreshing?: Promise<VerificationKey | undefined>;
}

export interface ActiveSigningKey {
  kid: string;
  alg: JwtAlgorithm;
  privateKey: CryptoKey;
  /** The same key for node:crypto, which signs on the thread pool without WebCrypto's per-call checks. */
  keyObject: KeyObject;
}

export interface PublicJwk extends JWK {
  kid: string;
  alg: string;
  use: 'sig';
}

/**
 * The signing keys: one current key signs; retired keys stay published until every token
 * they signed has expired. Private keys are stored sealed with KEY_ENCRYPTION_KEY.
 */
@Injectable()
export class SigningKeyService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(SigningKeyService.name);
  private current?: ActiveSigningKey;
  /** In least-recently-used order, bounded by MAX_CACHED_VERIFICATION_KEYS. */
  private readonly verificationKeys = new Map<string, VerificationKey>();
  private reloadTimer?: NodeJS.Timeout;

  constructor(
    private readonly keys: SigningKeyRepository,
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
    private readonly box: SecretBox,
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.loadCurrent();
    if (!this.current) {
      await this.createKey({ onlyIfNone: true });
      await this.loadCurrent();
    }
    // Other processes sharing the database pick up a key rotated elsewhere within this interval.
    this.reloadTimer = setInterval(() => {
      this.loadCurrent().catch((error: unknown) => this.logger.warn(`Could not reload the signing key: ${(error as Error).message}`));
    }, this.reloadIntervalMs).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.reloadTimer);
  }

  /**
   * How often the current key is re-read; short lifetimes get short intervals. Short, so
   * that after an emergency revoke other processes soon stop signing with the revoked key.
   */
  get reloadIntervalMs(): number {
    return Math.min(2_000, this.config.accessTokenTtl * 1000);
  }

  /** How many verification keys this process holds imported (bounded; for tests and metrics). */
  get cachedVerificationKeyCount(): number {
    return this.verificationKeys.size;
  }

  signingKey(): ActiveSigningKey {
    if (!this.current) throw new Error('No signing key loaded');
    return this.current;
  }

  /**
   * The key that verifies `kid`, with the one algorithm it may be used with, while the key
   * is published; undefined for anything else. A kid that is not a short string is never
   * looked up, and only keys that exist and are published enter the (bounded) cache.
   */
  async verificationKey(kid: unknown): Promise<{ alg: string; key: CryptoKey } | undefined> {
    if (!isWellFormedKid(kid)) return undefined;
    let entry = this.verificationKeys.get(kid);
    if (!entry || performance.now() - entry.checkedAt >= KEY_STATE_TTL_MS) {
      entry = await this.readVerificationKey(kid, entry);
    }
    if (!entry || !isPublished(entry, this.clock.now())) return undefined;
    return { alg: entry.alg, key: entry.key };
  }

  /** Reads the key's publication state (one read at a time per cached key) and caches it if published. */
  private readVerificationKey(kid: string, cached: VerificationKey | undefined): Promise<VerificationKey | undefined> {
    if (cached?.refreshing) return cached.refreshing;
    const reading = (async () => {
      const row = await this.keys.findByKid(kid);
      if (!row || !isPublished(row, this.clock.now())) {
        this.verificationKeys.delete(kid);
        return undefined;
      }
      // The kid is the key's thumbprint: a cached key under the same kid is the same key.
      const key = cached?.key ?? ((await importJWK(JSON.parse(row.publicJwk) as JWK, row.alg)) as CryptoKey);
      const entry: VerificationKey = { alg: row.alg, key, retiredAt: row.retiredAt, publishedUntil: row.publishedUntil, checkedAt: performance.now() };
      this.verificationKeys.delete(kid);
      this.verificationKeys.set(kid, entry);
      for (const oldest of this.verificationKeys.keys()) {
        if (this.verificationKeys.size <= MAX_CACHED_VERIFICATION_KEYS) break;
        this.verificationKeys.delete(oldest);
      }
      return entry;
    })();
    if (cached) {
      cached.refreshing = reading;
      reading.then(
        () => delete cached.refreshing,
        () => delete cached.refreshing,
      );
    }
    return reading;
  }

  /** Published keys: the same rule as isPublished(). */
  async publishedKeys(): Promise<PublicJwk[]> {
    const now = this.clock.now();
    return (await this.keys.findPublished(now)).map((key) => JSON.parse(key.publicJwk) as PublicJwk);
  }

  /** Makes a new key current; the previous one stays published until its tokens expire. */
  async rotate(): Promise<string> {
    const kid = await this.createKey();
    await this.loadCurrent();
    this.logger.log(`Signing key rotated; ${kid} is now current`);
    return kid;
  }

  /**
   * Emergency revoke (a stolen key): unpublishes the key at once, so it verifies nothing
   * here now and in other processes within KEY_STATE_TTL_MS. The current key is replaced
   * first, in the same transaction.
   */
  async revoke(kid: string): Promise<{ kid: string; current: string }> {
    const row = isWellFormedKid(kid) ? await this.keys.findByKid(kid) : null;
    if (!row) throw new DomainError('not_found', 'No such signing key');
    if (row.retiredAt === null) {
      await this.createKey({ revoke: kid });
    } else {
      await this.db.transaction((tx) => this.keys.unpublish(tx, kid, this.clock.now()));
    }
    this.verificationKeys.delete(kid);
    await this.loadCurrent();
    this.logger.warn(`Signing key ${kid} revoked; ${this.signingKey().kid} is current`);
    return { kid, current: this.signingKey().kid };
  }

  /**
   * `onlyIfNone`: several processes starting at once on one database create one key, not one each.
   * `revoke`: a key to unpublish at once; a new key is made only if it is the current one.
   */
  private async createKey({ onlyIfNone = false, revoke }: { onlyIfNone?: boolean; revoke?: string } = {}): Promise<string> {
    const alg = this.config.jwtAlg;
    const { publicKey, privateKey } = await generateKeyPair(alg, {
      extractable: true,
      ...(alg === 'RS256' ? { modulusLength: 2048 } : {}),
      ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}),
    });
    const jwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(jwk);
    const now = this.clock.now();
    // A process that has not reloaded yet may still sign with the old key for one interval.
    const publishedUntil = now + this.config.accessTokenTtl * 1000 + this.reloadIntervalMs;
    await this.db.transaction(async (tx) => {
      await tx.lock('signing-key-creation');
      if (onlyIfNone && (await this.keys.findCurrent(alg, tx))) return;
      if (revoke !== undefined) {
        const target = await this.keys.findByKid(revoke, tx);
        // Another process may have rotated meanwhile: then there is nothing to replace.
        if (target === null || target.retiredAt !== null) {
          await this.keys.unpublish(tx, revoke, now);
          return;
        }
      }
      await this.keys.retireCurrent(tx, now, publishedUntil);
      await this.keys.insert(
        tx,
        Object.assign(new SigningKey(), {
          kid,
          alg,
          publicJwk: JSON.stringify({ ...jwk, kid, alg, use: 'sig' }),
          privateKeySealed: this.box.seal(await exportPKCS8(privateKey), `signing-key:${kid}`),
          createdAt: now,
          retiredAt: null,
          publishedUntil: null,
        }),
      );
      if (revoke !== undefined) await this.keys.unpublish(tx, revoke, now);
    });
    return kid;
  }

  private async loadCurrent(): Promise<void> {
    const row = await this.keys.findCurrent(this.config.jwtAlg);
    if (!row) {
      this.current = undefined;
      return;
    }
    if (row.kid === this.current?.kid) return;
    const pem = this.box.openText(row.privateKeySealed, `signing-key:${row.kid}`);
    const privateKey = (await importPKCS8(pem, row.alg)) as CryptoKey;
    this.current = { kid: row.kid, alg: row.alg as JwtAlgorithm, privateKey, keyObject: KeyObject.from(privateKey) };
  }
}
