import { Webhook } from 'standardwebhooks';
import { WebhookSigner } from './webhook.signer.js';

describe('WebhookSigner', () => {
  const signer = new WebhookSigner();

  it('signs so that the standardwebhooks package verifies, with either secret during a rotation', () => {
    const [oldSecret, newSecret] = [signer.generateSecret(), signer.generateSecret()];
    expect(oldSecret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    const body = JSON.stringify({ type: 'token.refreshed', timestamp: new Date().toISOString(), data: { userId: 'u' } });
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = {
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signer.sign([newSecret, oldSecret], 'msg_1', timestamp, body),
    };
    expect(new Webhook(oldSecret).verify(body, headers)).toMatchObject({ type: 'token.refreshed' });
    expect(new Webhook(newSecret).verify(body, headers)).toMatchObject({ type: 'token.refreshed' });
    expect(() => new Webhook(signer.generateSecret()).verify(body, headers)).toThrow();
    expect(() => new Webhook(newSecret).verify(body.replace('"u"', '"v"'), headers)).toThrow();
  });
});
