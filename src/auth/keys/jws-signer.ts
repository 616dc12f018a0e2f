import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { authConfig, type AuthConfig } from '../../config/auth.config.js';
import { jwsSigningInput, signOnEventLoop, type JwsSigningKey } from './compact-jws.js';
import { SigningThreadPool } from './signing-thread-pool.js';

/** Signs compact JWS: on SIGNING_THREADS worker threads, or on the event loop when that is 0. */
@Injectable()
export class JwsSigner implements OnApplicationShutdown {
  private readonly pool?: SigningThreadPool;

  constructor(@Inject(authConfig.KEY) config: AuthConfig) {
    if (config.signingThreads > 0) this.pool = new SigningThreadPool({ threads: config.signingThreads, nice: config.signingThreadNice });
  }

  /** `encodedHeader` comes from encodeProtectedHeader() with the same algorithm and key. */
  sign(encodedHeader: string, payload: object, key: JwsSigningKey): Promise<string> {
    const input = jwsSigningInput(encodedHeader, payload);
    return this.pool ? this.pool.sign(input, key) : signOnEventLoop(input, key);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool?.close();
  }
}
