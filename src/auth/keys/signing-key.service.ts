import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { calculateJwkThumbprint, exportJWK, exportPKCS8, generateKeyPair, importJWK, importPKCS8, type JWK } from 'jose';
import { KeyObject } from 'node:crypto';
import { IsNull, Repository } from 'typeorm';
import { Clock } from '../../common/clock.js';
import { SecretBox } from '../../common/crypto/secret-box.js';
import { authConfig, type AuthConfig, type JwtAlgorithm } from '../../config/auth.config.js';
import { Database } from '../../database/database.js';
import { SigningKey } from './signing-key.entity.js';

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
  private readonly verificationKeys = new Map<string, { alg: string; key: CryptoKey }>();
  private reloadTimer?: NodeJS.Timeout;

  constructor(
    @InjectRepository(SigningKey) private readonly keys: Repository<SigningKey>,
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

  /** How often the current key is re-read; short lifetimes get short intervals. */
  get reloadIntervalMs(): number {
    return Math.min(10_000, this.config.accessTokenTtl * 1000);
  }

  signingKey(): ActiveSigningKey {
    if (!this.current) throw new Error('No signing key loaded');
    return this.current;
  }

  /** The key that verifies `kid`, with the one algorithm it may be used with. */
  async verificationKey(kid: string): Promise<{ alg: string; key: CryptoKey } | undefined> {
    const cached = this.verificationKeys.get(kid);
    if (cached) return cached;
    const row = await this.keys.findOneBy({ kid });
    if (!row) return undefined;
    const entry = { alg: row.alg, key: (await importJWK(JSON.parse(row.publicJwk) as JWK, row.alg)) as CryptoKey };
    this.verificationKeys.set(kid, entry);
    return entry;
  }

  async publishedKeys(): Promise<PublicJwk[]> {
    const now = this.clock.now();
    const rows = await this.db.query<{ public_jwk: string; retired_at: unknown; published_until: unknown }>(
      'SELECT public_jwk, retired_at, published_until FROM signing_keys WHERE retired_at IS NULL OR published_until > ? ORDER BY created_at DESC',
      [now],
    );
    return rows.map((row) => JSON.parse(row.public_jwk) as PublicJwk);
  }

  /** Makes a new key current; the previous one stays published until its tokens expire. */
  async rotate(): Promise<string> {
    const kid = await this.createKey();
    await this.loadCurrent();
    this.logger.log(`Signing key rotated; ${kid} is now current`);
    return kid;
  }

  /** `onlyIfNone`: several processes starting at once on one database create one key, not one each. */
  private async createKey({ onlyIfNone = false } = {}): Promise<string> {
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
      if (onlyIfNone) {
        const current = await tx.query('SELECT kid FROM signing_keys WHERE retired_at IS NULL AND alg = ?', [alg]);
        if (current.length > 0) return;
      }
      await tx.execute('UPDATE signing_keys SET retired_at = ?, published_until = ? WHERE retired_at IS NULL', [now, publishedUntil]);
      await tx.execute(
        'INSERT INTO signing_keys (kid, alg, public_jwk, private_key_sealed, created_at) VALUES (?, ?, ?, ?, ?)',
        [kid, alg, JSON.stringify({ ...jwk, kid, alg, use: 'sig' }), this.box.seal(await exportPKCS8(privateKey), `signing-key:${kid}`), now],
      );
    });
    return kid;
  }

  private async loadCurrent(): Promise<void> {
    const row = await this.keys.findOne({
      where: { retiredAt: IsNull(), alg: this.config.jwtAlg },
      order: { createdAt: 'DESC' },
    });
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
