import { createHash } from 'node:crypto';
import { constantTimeEqual, digestsEqual, sha256 } from './hashing.js';

describe('sha256', () => {
  // The stored form of every refresh token and client secret: a different encoding would
  // make every token and secret already stored unrecognisable.
  it('is SHA-256 in unpadded base64url (the FIPS 180-2 "abc" vector)', () => {
    expect(sha256('abc')).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
  });

  it('hashes the UTF-8 bytes of a string, as tokens hashed before were', () => {
    const value = 'refresh-token-é-€-𝄞';
    expect(sha256(value)).toBe(createHash('sha256').update(Buffer.from(value, 'utf8')).digest('base64url'));
  });
});

describe('constantTimeEqual', () => {
  it('tells equal strings from different ones of any length', () => {
    expect(constantTimeEqual(sha256('a'), sha256('a'))).toBe(true);
    expect(constantTimeEqual(sha256('a'), sha256('b'))).toBe(false);
    expect(constantTimeEqual('short', 'longer value')).toBe(false);
  });
});

describe('digestsEqual', () => {
  it('tells a digest from another, and from a value of another length', () => {
    expect(digestsEqual(sha256('secret'), sha256('secret'))).toBe(true);
    expect(digestsEqual(sha256('secret'), sha256('Secret'))).toBe(false);
    expect(digestsEqual(sha256('secret'), sha256('secret').slice(0, 40))).toBe(false);
    expect(digestsEqual(sha256('secret'), '')).toBe(false);
  });
});
