import { Webhook } from 'standardwebhooks';
import { messageBody } from './webhook-delivery.repository.js';

const OCCURRED_AT = Date.UTC(2026, 10, 30, 17, 45, 12, 345);

describe('messageBody', () => {
  const data = {
    userId: 'c1a5d3c2-5d0b-4f5e-9d6f-0d1b2c3d4e5f',
    clientId: 'client "one" \\ \u2028',
    familyId: 'f-1',
    rotation: 12,
    accessTokenExpiresAt: '2026-11-30T18:45:12.345Z',
    scope: 'openid profile',
    ip: null,
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) \u00e9\u4e2d\ud83d\ude00',
    replay: false,
  };

  it('is byte for byte the JSON of {type, timestamp, data} with the stored payload as data', () => {
    const payload = JSON.stringify(data);
    const body = messageBody('token.refreshed', OCCURRED_AT, payload);
    expect(body).toBe(JSON.stringify({ type: 'token.refreshed', timestamp: '2026-11-30T17:45:12.345Z', data }));
  });

  it('escapes the event type as a JSON string', () => {
    const body = messageBody('we"ird\\type', OCCURRED_AT, '{}');
    expect(JSON.parse(body)).toEqual({ type: 'we"ird\\type', timestamp: '2026-11-30T17:45:12.345Z', data: {} });
  });

  it('verifies with standardwebhooks once signed, and parses back to the event', () => {
    const secret = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
    const body = messageBody('token.refreshed', OCCURRED_AT, JSON.stringify(data));
    const webhook = new Webhook(secret);
    const timestamp = new Date();
    const signature = webhook.sign('msg_1', timestamp, body);
    const verified = webhook.verify(body, { 'webhook-id': 'msg_1', 'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)), 'webhook-signature': signature });
    expect(verified).toEqual({ type: 'token.refreshed', timestamp: '2026-11-30T17:45:12.345Z', data });
  });
});
