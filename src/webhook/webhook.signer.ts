import { Injectable } from '@nestjs/common';
import { createHmac, randomBytes } from 'node:crypto';

const PREFIX = 'whsec_';

/** Standard Webhooks signatures: `v1,` + base64 HMAC-SHA256 of `id.timestamp.body`. */
@Injectable()
export class WebhookSigner {
  /** A new signing secret: `whsec_` + base64 of 32 random bytes. */
  generateSecret(): string {
    return PREFIX + randomBytes(32).toString('base64');
  }

  /** The `webhook-signature` header: one signature per secret, space-separated. */
  sign(secrets: readonly string[], id: string, timestampSeconds: number, body: string): string {
    return secrets
      .map((secret) => {
        const key = Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, 'base64');
        const signature = createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
        return `v1,${signature}`;
      })
      .join(' ');
  }
}
