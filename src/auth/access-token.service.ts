import { Inject, Injectable } from '@nestjs/common';
import { jwtVerify, type JWTPayload } from 'jose';
import { randomUUID } from 'node:crypto';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/errors/domain-error.js';
import { MAX_ACCESS_TOKEN_LENGTH } from '../common/token-limits.js';
import { appConfig, type AppConfig } from '../config/app.config.js';
import { authConfig, type AuthConfig } from '../config/auth.config.js';
import { encodeProtectedHeader } from './keys/compact-jws.js';
import { JwsSigner } from './keys/jws-signer.js';
import { readAccessTokenHeader } from './keys/protected-header.js';
import { SigningKeyService, type ActiveSigningKey } from './keys/signing-key.service.js';

/** Claims of an access token, as the default profile writes them. */
export interface AccessTokenClaims extends JWTPayload {
  iss: string;
  sub: string;
  aud: string;
  exp: number;
  iat: number;
  jti: string;
  client_id: string;
  scope: string[] | string;
  roles: string[];
  sid: string;
}

export interface AccessTokenSubject {
  userId: string;
  clientId: string;
  audience: string;
  scope: string[];
  roles: string[];
  familyId: string;
}

/** An access token whose claims are fixed but whose signature may still be on its way. */
export interface PreparedAccessToken {
  claims: AccessTokenClaims;
  expiresIn: number;
}

export interface VerifyOptions {
  /** Accept an expired token (the refresh endpoints' binding check). */
  ignoreExpiry?: boolean;
  /**
   * Required audience, when the caller has one; or a function that picks it from the
   * verified claims (the audience of the client the token names).
   */
  audience?: string | ((claims: AccessTokenClaims) => Promise<string | undefined>);
}

/** Builds, signs and verifies JWT access tokens. */
@Injectable()
export class AccessTokenService {
  private encodedHeader?: { key: ActiveSigningKey; value: string };

  constructor(
    private readonly keys: SigningKeyService,
    private readonly signer: JwsSigner,
    private readonly clock: Clock,
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
    @Inject(appConfig.KEY) private readonly app: AppConfig,
  ) {}

  get ttl(): number {
    return this.config.accessTokenTtl;
  }

  prepare(subject: AccessTokenSubject): PreparedAccessToken {
    const iat = Math.floor(this.clock.now() / 1000);
    const rfc9068 = this.config.accessTokenProfile === 'rfc9068';
    return {
      expiresIn: this.config.accessTokenTtl,
      claims: {
        iss: this.app.issuer,
        sub: subject.userId,
        aud: subject.audience,
        exp: iat + this.config.accessTokenTtl,
        iat,
        jti: randomUUID(),
        client_id: subject.clientId,
        // RFC 9068 validators require a space-delimited string; the default profile keeps the array.
        scope: rfc9068 ? subject.scope.join(' ') : subject.scope,
        roles: subject.roles,
        sid: subject.familyId,
      },
    };
  }

  /** Signed off the event loop (see JwsSigner), with the key current when this is called. */
  sign(prepared: PreparedAccessToken): Promise<string> {
    const key = this.keys.signingKey();
    return this.signer.sign(this.protectedHeader(key), prepared.claims, key);
  }

  /** The encoded header is the same for every token of a key: built once per key. */
  private protectedHeader(key: ActiveSigningKey): string {
    if (this.encodedHeader?.key !== key) {
      const typ = this.config.accessTokenProfile === 'rfc9068' ? 'at+jwt' : 'JWT';
      this.encodedHeader = { key, value: encodeProtectedHeader({ alg: key.alg, kid: key.kid, typ }) };
    }
    return this.encodedHeader.value;
  }

  /**
   * Verifies a token of ours: every JOSE header member is type-checked first, then the key
   * is found by `kid` among our published keys and the algorithm pinned to that key, so
   * `alg: none`, HMAC-with-the-public-key, foreign keys and retired keys all fail.
   */
  async verify(token: string, options: VerifyOptions = {}): Promise<AccessTokenClaims> {
    if (typeof token !== 'string' || token.length > MAX_ACCESS_TOKEN_LENGTH) {
      throw new DomainError('invalid_token', 'The access token is malformed');
    }
    const header = readAccessTokenHeader(token);
    if ('refused' in header) throw new DomainError('invalid_token', header.refused);
    const entry = await this.keys.verificationKey(header.kid);
    if (!entry || entry.alg !== header.alg) throw new DomainError('invalid_token', 'The access token was not signed by this server');
    let claims: AccessTokenClaims;
    try {
      const { payload } = await jwtVerify(token, entry.key, {
        algorithms: [entry.alg],
        issuer: this.app.issuer,
        audience: typeof options.audience === 'string' ? options.audience : undefined,
        currentDate: options.ignoreExpiry ? new Date(0) : new Date(this.clock.now()),
        requiredClaims: ['sub', 'exp', 'iat', 'jti', 'sid'],
      });
      claims = payload as AccessTokenClaims;
    } catch {
      throw new DomainError('invalid_token', 'The access token is invalid or expired');
    }
    if (typeof options.audience === 'function') {
      const audience = await options.audience(claims);
      const presented = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
      if (audience === undefined || !presented.includes(audience)) {
        throw new DomainError('invalid_token', 'The access token is invalid or expired');
      }
    }
    return claims;
  }
}
