import { readWebhookConfig } from '../config/webhook.config.js';
import { WebhookTargetPolicy } from './webhook-target.policy.js';

const policy = (env: Record<string, string> = {}) => new WebhookTargetPolicy(readWebhookConfig(env));

describe('WebhookTargetPolicy', () => {
  it('pins a public IP literal as the address to connect to', async () => {
    await expect(policy().check('http://93.184.215.14:8080/hook')).resolves.toMatchObject({ address: { address: '93.184.215.14', family: 4 } });
  });

  it('refuses names that resolve to internal addresses, and metadata names', async () => {
    await expect(policy().check('http://localhost/')).rejects.toThrow(/localhost resolves to .* loopback/);
    await expect(policy().check('http://metadata.google.internal/')).rejects.toThrow(/metadata/);
  });

  it('requires https in production, except for allowed hosts', async () => {
    const production = policy({ NODE_ENV: 'production', WEBHOOK_ALLOWED_HOSTS: 'Receiver.Internal, ::1' });
    await expect(production.check('http://93.184.215.14/')).rejects.toThrow(/must use https/);
    await expect(production.check('http://receiver.internal/')).resolves.toMatchObject({ address: null });
    await expect(production.check('http://[::1]:9000/')).resolves.toMatchObject({ address: null });
  });

  it('refuses what is not an http(s) URL', async () => {
    await expect(policy().check('file:///etc/passwd')).rejects.toThrow(/http or https/);
    await expect(policy().check('http://93.184.215.14/#x')).rejects.toThrow(/fragment/);
    await expect(policy().check(`http://93.184.215.14/${'a'.repeat(2100)}`)).rejects.toThrow(/longer than/);
  });
});

describe('WebhookTargetPolicy with an injected HostResolver', () => {
  it('checks every address the resolver gives, and pins the first one when all are public', async () => {
    const answers: Record<string, string[]> = { 'mixed.test': ['93.184.215.14', '10.0.0.7'], 'public.test': ['93.184.215.14', '93.184.215.15'] };
    const resolver = { resolve: async (host: string) => (answers[host] ?? []).map((address) => ({ address, family: 4 })) };
    const checked = new WebhookTargetPolicy(readWebhookConfig({}), resolver);
    await expect(checked.check('http://mixed.test/')).rejects.toThrow('Webhook URL refused: mixed.test resolves to 10.0.0.7, a private address');
    await expect(checked.check('http://public.test/')).resolves.toMatchObject({ address: { address: '93.184.215.14', family: 4 } });
    await expect(checked.check('http://nothing.test/')).rejects.toThrow(/does not resolve/);
  });
});

describe('readWebhookConfig', () => {
  it('reads the defaults and refuses a bad schedule with the variable named', () => {
    expect(readWebhookConfig({})).toMatchObject({ timeoutMs: 10_000, retrySchedule: [0, 5, 300, 1800, 7200, 18000, 36000, 36000] });
    expect(() => readWebhookConfig({ WEBHOOK_RETRY_SCHEDULE: '0,5,soon' })).toThrow(/^WEBHOOK_RETRY_SCHEDULE /);
    expect(() => readWebhookConfig({ WEBHOOK_TIMEOUT_MS: '-1' })).toThrow(/^WEBHOOK_TIMEOUT_MS /);
  });
});
