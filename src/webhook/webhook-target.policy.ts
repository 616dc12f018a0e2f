import { Inject, Injectable, Optional } from '@nestjs/common';
import { isIP } from 'node:net';
import { DomainError } from '../common/errors/domain-error.js';
import { webhookConfig, type WebhookConfig } from '../config/webhook.config.js';
import { BLOCKED_HOST_NAMES, blockedAddressReason } from './blocked-addresses.js';
import { HOST_RESOLVER, systemHostResolver, type HostResolver } from './host-resolver.js';

export const MAX_WEBHOOK_URL_LENGTH = 2048;

/** A target that passed the rules. `address` is where to connect; null for an allowed host. */
export interface CheckedTarget {
  url: URL;
  address: { address: string; family: 4 | 6 } | null;
}

/**
 * The SSRF rules for webhook URLs, applied at registration and again before every
 * attempt: resolve the host, refuse it if any address is internal, and hand back the
 * address that was checked so the connection goes exactly there (no second lookup, so
 * DNS rebinding cannot swap the address in between).
 */
@Injectable()
export class WebhookTargetPolicy {
  constructor(
    @Inject(webhookConfig.KEY) private readonly config: WebhookConfig,
    @Optional() @Inject(HOST_RESOLVER) private readonly resolver: HostResolver = systemHostResolver,
  ) {}

  async check(raw: string): Promise<CheckedTarget> {
    const url = this.parse(raw);
    const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
    if (this.config.allowedHosts.includes(host)) return { url, address: null };
    if (this.config.production && url.protocol !== 'https:') {
      throw refused(`the URL must use https`);
    }
    if (BLOCKED_HOST_NAMES.has(host)) throw refused(`${host} is a cloud metadata endpoint`);
    if (isIP(host) !== 0) {
      const reason = blockedAddressReason(host);
      if (reason) throw refused(`${url.hostname} is ${reason}`);
      return { url, address: { address: host, family: isIP(host) as 4 | 6 } };
    }
    let addresses: ReadonlyArray<{ address: string; family: number }>;
    try {
      addresses = await this.resolver.resolve(host);
    } catch {
      throw refused(`the host ${host} does not resolve`);
    }
    if (addresses.length === 0) throw refused(`the host ${host} does not resolve`);
    for (const { address } of addresses) {
      const reason = blockedAddressReason(address);
      if (reason) throw refused(`${host} resolves to ${address}, ${reason}`);
    }
    const chosen = addresses[0]!;
    return { url, address: { address: chosen.address, family: chosen.family === 6 ? 6 : 4 } };
  }

  private parse(raw: string): URL {
    if (raw.length > MAX_WEBHOOK_URL_LENGTH) throw refused(`the URL is longer than ${MAX_WEBHOOK_URL_LENGTH} characters`);
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw refused('the URL is not a valid absolute URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw refused('the URL must use http or https');
    if (url.hash) throw refused('the URL must not have a fragment');
    return url;
  }
}

function refused(why: string): DomainError {
  return new DomainError('invalid_request', `Webhook URL refused: ${why}`);
}
