import type { FastifyRequest } from 'fastify';
import type { AppConfig } from '../../config/app.config.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { OriginPolicy } from './origin-policy.js';

const policy = new OriginPolicy({ issuer: 'https://auth.example.com', corsOrigins: ['https://app.example.com/'] } as AppConfig);

function request(headers: Record<string, string>, host = 'auth.internal:3030'): FastifyRequest {
  return { headers: { host, ...headers }, protocol: 'http' } as unknown as FastifyRequest;
}

function verdict(headers: Record<string, string>): 'allowed' | number {
  try {
    policy.assertAllowed(request(headers));
    return 'allowed';
  } catch (error) {
    return (error as DomainError).status;
  }
}

describe('OriginPolicy', () => {
  it.each([
    [{ origin: 'https://auth.example.com' }],
    [{ origin: 'https://app.example.com' }],
    [{ origin: 'http://auth.internal:3030' }],
    [{}],
    [{ 'sec-fetch-site': 'same-origin' }],
    [{ 'sec-fetch-site': 'none' }],
  ])('allows %j', (headers) => {
    expect(verdict(headers)).toBe('allowed');
  });

  it.each([
    [{ origin: 'https://evil.example' }],
    [{ origin: 'null' }],
    [{ origin: 'https://app.example.com.evil.example' }],
    [{ origin: 'http://app.example.com' }],
    [{ origin: 'not a url' }],
    [{ 'sec-fetch-site': 'cross-site' }],
    [{ origin: 'https://evil.example', 'sec-fetch-site': 'same-origin' }],
  ])('refuses %j with 403', (headers) => {
    expect(verdict(headers)).toBe(403);
  });
});
