import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto';
import { pooledRandomBytes } from './random-pool.js';

const VERSION = 'v1';
const INFO = 'refresh-token-service/at-rest/aes-256-gcm';

/**
 * AES-256-GCM for values kept at rest (private keys, webhook secrets, grace-window
 * successors). The key is derived from the configured passphrase with HKDF-SHA256.
 * Sealed form: `v1.<iv>.<ciphertext>.<tag>`, base64url parts.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(passphrase: string) {
    this.key = Buffer.from(hkdfSync('sha256', passphrase, Buffer.alloc(0), INFO, 32));
  }

  /** `context` binds a ciphertext to its use, so one cannot be swapped for another. */
  seal(plaintext: string | Buffer, context = ''): string {
    const iv = pooledRandomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return [VERSION, iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
  }

  open(sealed: string, context = ''): Buffer {
    const [version, iv, body, tag] = sealed.split('.');
    if (version !== VERSION || !iv || body === undefined || !tag) {
      throw new Error('Unrecognised sealed value');
    }
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]);
  }

  openText(sealed: string, context = ''): string {
    return this.open(sealed, context).toString('utf8');
  }
}
