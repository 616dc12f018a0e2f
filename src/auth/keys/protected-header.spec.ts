import { isWellFormedKid, readAccessTokenHeader } from './protected-header.js';

const encode = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const token = (header: unknown) => `${encode(header)}.${encode({ sub: 'x' })}.c2ln`;
const KID = 'fET6qD8PgFL3dpzGOZ5DiXbipxqPMdPnodmQLWmjofY';

describe('readAccessTokenHeader', () => {
  it.each([
    [{ alg: 'RS256', kid: KID, typ: 'JWT' }],
    [{ alg: 'ES256', kid: KID, typ: 'at+jwt' }],
    [{ alg: 'EdDSA', kid: KID }],
    [{ alg: 'RS256', kid: KID, typ: 'application/at+JWT' }],
  ])('reads the headers our profiles write: %j', (header) => {
    expect(readAccessTokenHeader(token(header))).toEqual(header);
  });

  const values = [42, true, false, null, [KID], ['x', 'y'], { a: 1 }, '', 'x'.repeat(257)];
  it.each(['alg', 'kid', 'typ'].flatMap((field) => values.map((value) => [field, value] as const)))('refuses %s = %j', (field, value) => {
    expect(readAccessTokenHeader(token({ alg: 'RS256', kid: KID, typ: 'JWT', [field]: value }))).toHaveProperty('refused');
  });

  it.each([
    ['crit', ['exp']],
    ['crit', []],
    ['jku', 'https://evil.example/jwks'],
    ['jwk', { kty: 'RSA' }],
    ['x5u', 'https://evil.example/cert'],
    ['b64', false],
    ['__proto__', { polluted: true }],
  ])('refuses the %s member, whatever its value', (field, value) => {
    const header = `{"alg":"RS256","kid":"${KID}",${JSON.stringify(field)}:${JSON.stringify(value)}}`;
    expect(readAccessTokenHeader(token(header))).toHaveProperty('refused');
  });

  it.each([
    ['alg none', { alg: 'none', kid: KID }],
    ['HS256', { alg: 'HS256', kid: KID }],
    ['no kid', { alg: 'RS256' }],
    ['a kid with a space', { alg: 'RS256', kid: 'a b' }],
    ['a kid with a NUL', { alg: 'RS256', kid: 'a\u0000b' }],
    ['an array header', [{ alg: 'RS256', kid: KID }]],
    ['a string header', 'RS256'],
    ['a null header', null],
  ])('refuses %s', (_, header) => {
    expect(readAccessTokenHeader(token(header))).toHaveProperty('refused');
  });

  it('refuses headers that are not base64url JSON, or too long', () => {
    expect(readAccessTokenHeader(`${encode('not json')}.e30.c2ln`)).toHaveProperty('refused');
    expect(readAccessTokenHeader('ey+J/.e30.c2ln')).toHaveProperty('refused');
    expect(readAccessTokenHeader('.e30.c2ln')).toHaveProperty('refused');
    expect(readAccessTokenHeader('no-dots-at-all')).toHaveProperty('refused');
    expect(readAccessTokenHeader(token({ alg: 'RS256', kid: KID, typ: 'JWT', pad: 'x'.repeat(2000) }))).toHaveProperty('refused');
  });
});

describe('isWellFormedKid', () => {
  it('accepts short printable strings only', () => {
    expect(isWellFormedKid(KID)).toBe(true);
    expect(isWellFormedKid('k'.repeat(256))).toBe(true);
    for (const kid of ['', 'k'.repeat(257), 'a b', 'é', 1, null, undefined, [KID], { kid: KID }]) expect(isWellFormedKid(kid)).toBe(false);
  });
});
