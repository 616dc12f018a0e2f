import { availableParallelism } from 'node:os';
import { ConfigError } from './env-reader.js';
import { readAuthConfig } from './auth.config.js';

const PRODUCTION = { NODE_ENV: 'production', KEY_ENCRYPTION_KEY: 'k'.repeat(32) };

describe('readAuthConfig lifetimes', () => {
  it.each(['REFRESH_TOKEN_TTL', 'REFRESH_TOKEN_IDLE_TTL'])('accepts %s down to 1 second outside production (QA expiry tests)', (variable) => {
    const key = variable === 'REFRESH_TOKEN_TTL' ? 'refreshTokenTtl' : 'refreshTokenIdleTtl';
    expect(readAuthConfig({ [variable]: '1' })[key]).toBe(1);
    expect(readAuthConfig({ NODE_ENV: 'test', [variable]: '2' })[key]).toBe(2);
    expect(() => readAuthConfig({ [variable]: '0' })).toThrow(new RegExp(`^${variable} must be between 1 and`));
  });

  it.each(['REFRESH_TOKEN_TTL', 'REFRESH_TOKEN_IDLE_TTL'])('keeps the 60-second floor for %s in production, with its message', (variable) => {
    expect(() => readAuthConfig({ ...PRODUCTION, [variable]: '59' })).toThrow(ConfigError);
    expect(() => readAuthConfig({ ...PRODUCTION, [variable]: '59' })).toThrow(new RegExp(`^${variable} must be between 60 and \\d+, got 59$`));
    expect(() => readAuthConfig({ ...PRODUCTION, [variable]: '1' })).toThrow(new RegExp(`^${variable} must be between 60 and`));
    expect(() => readAuthConfig({ ...PRODUCTION, [variable]: '60' })).not.toThrow();
  });
});

describe('readAuthConfig SIGNING_THREADS', () => {
  it('defaults to the number of cores, and 0 turns the signing threads off', () => {
    expect(readAuthConfig({}).signingThreads).toBe(availableParallelism());
    expect(readAuthConfig({ SIGNING_THREADS: '0' }).signingThreads).toBe(0);
    expect(readAuthConfig({ SIGNING_THREADS: '3' }).signingThreads).toBe(3);
  });

  it('refuses a value that is not a whole number from 0 to 64, naming the variable', () => {
    expect(() => readAuthConfig({ SIGNING_THREADS: 'two' })).toThrow(/^SIGNING_THREADS must be a whole number/);
    expect(() => readAuthConfig({ SIGNING_THREADS: '65' })).toThrow(/^SIGNING_THREADS must be between 0 and 64/);
  });
});

describe('readAuthConfig HELPER_THREAD_NICE', () => {
  it('defaults to 10 steps below the event loop, and 0 keeps the signing threads at its priority', () => {
    expect(readAuthConfig({}).signingThreadNice).toBe(10);
    expect(readAuthConfig({ HELPER_THREAD_NICE: '0' }).signingThreadNice).toBe(0);
    expect(readAuthConfig({ HELPER_THREAD_NICE: '19' }).signingThreadNice).toBe(19);
  });

  it('refuses a value that is not a whole number from 0 to 19, naming the variable', () => {
    expect(() => readAuthConfig({ HELPER_THREAD_NICE: '-1' })).toThrow(/^HELPER_THREAD_NICE /);
    expect(() => readAuthConfig({ HELPER_THREAD_NICE: '20' })).toThrow(/^HELPER_THREAD_NICE must be between 0 and 19/);
  });
});
