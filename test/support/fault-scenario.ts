import type { ApiResponse } from './api-client.js';
import { createClient, createUser, login, refreshAtTokenEndpoint, type ClientFixture } from './fixtures.js';
import type { TestApp } from './test-app.js';
import type { WebhookReceiver } from './webhook-receiver.js';

/**
 * Fails when `work` has not settled within `ms`: "the request completed instead of waiting
 * for the outage to end", a behaviour bound (the fault lasts until the test ends it), not a
 * speed claim.
 */
export async function settlesWithin<T>(ms: number, work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} was still waiting after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, bound]);
  } finally {
    clearTimeout(timer);
  }
}

/** The value of one Prometheus series (with its labels, as printed) in a scrape. */
export function metricValue(text: string, series: string): number {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : NaN;
}

interface Family {
  id: string;
  /** The refresh token of the last rotation answered 200: the one the client holds. */
  token: string;
}

/**
 * Several families of one public client, refreshed together, half at the OAuth token
 * endpoint and half at the body-mode refresh endpoint. It keeps what a client keeps: the
 * token of the last 200 (a 503 leaves the old one in hand), and counts the 200s, each of which
 * must reach the webhook receiver as one `token.refreshed`.
 */
export class RotatingFamilies {
  readonly families: Family[] = [];
  /** familyId of every rotation answered 200, in order. */
  readonly answered: string[] = [];
  private constructor(
    private readonly t: TestApp,
    readonly client: ClientFixture,
  ) {}

  static async start(t: TestApp, receiver: WebhookReceiver, count: number): Promise<RotatingFamilies> {
    const client = await createClient(t.api, { public: true });
    const subscription = await t.api.post('/api/webhooks', { admin: true, json: { url: receiver.url, events: ['token.refreshed'] } });
    if (subscription.status !== 201) throw new Error(`subscription: ${subscription.status} ${subscription.text}`);
    const user = await createUser(t.api);
    const scenario = new RotatingFamilies(t, client);
    for (let i = 0; i < count; i++) {
      const session = await login(t.api, user, client);
      scenario.families.push({ id: session.refreshTokenId, token: session.refreshToken });
    }
    return scenario;
  }

  /** Refreshes every family at once; index i goes to the OAuth endpoint when even. */
  rotateAll(): Promise<{ oauth: boolean; response: ApiResponse }[]> {
    return Promise.all(
      this.families.map(async (family, index) => {
        const oauth = index % 2 === 0;
        const response = oauth
          ? await refreshAtTokenEndpoint(this.t.api, this.client, family.token)
          : await this.t.api.post('/api/auth/refresh', { json: { refreshToken: family.token } });
        if (response.status === 200) {
          family.token = oauth ? response.body.refresh_token : response.body.refreshToken;
          this.answered.push(family.id);
        }
        return { oauth, response };
      }),
    );
  }

  /** Every token.refreshed the receiver got, one per event id. */
  static refreshedEvents(receiver: WebhookReceiver): { id: string; familyId: string }[] {
    const byId = new Map<string, string>();
    for (const request of receiver.received) {
      if (request.body?.type === 'token.refreshed') byId.set(String(request.headers['webhook-id']), request.body.data.familyId);
    }
    return [...byId].map(([id, familyId]) => ({ id, familyId }));
  }
}

/** A 503 as the contract says: Retry-After, and the shape of the endpoint that answered. */
export function expectTemporarilyUnavailable(result: { oauth: boolean; response: ApiResponse }, retryAfter: string): void {
  const { oauth, response } = result;
  if (response.status !== 503) throw new Error(`expected 503, got ${response.status}: ${response.text}`);
  if (response.headers.get('retry-after') !== retryAfter) throw new Error(`expected Retry-After ${retryAfter}, got ${response.headers.get('retry-after')}`);
  const expected = oauth ? ['error', 'error_description'] : ['error', 'message'];
  if (response.body?.error !== 'temporarily_unavailable' || Object.keys(response.body).sort().join() !== expected.sort().join()) {
    throw new Error(`unexpected 503 body: ${response.text}`);
  }
}
