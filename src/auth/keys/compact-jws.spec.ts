import { decodeProtectedHeader, exportJWK, generateKeyPair, importJWK, jwtVerify } from 'jose';
import { KeyObject } from 'node:crypto';
import type { JwtAlgorithm } from '../../config/auth.config.js';
import { encodeProtectedHeader, signCompactJws } from './compact-jws.js';

describe('signCompactJws', () => {
  const claims = { iss: 'http://localhost:3030', sub: 'user-1', aud: 'lemonApp', iat: 1_900_000_000, exp: 1_900_003_600, jti: 'j-1', scope: ['openid', 'profile'], roles: ['user'], sid: 'f-1' };

  it.each<JwtAlgorithm>(['RS256', 'ES256', 'EdDSA'])('makes a %s JWT that jose verifies against the public JWK', async (alg) => {
    const { publicKey, privateKey } = await generateKeyPair(alg, alg === 'EdDSA' ? { crv: 'Ed25519' } : {});
    const token = await signCompactJws(encodeProtectedHeader({ alg, kid: 'kid-1', typ: 'at+jwt' }), claims, alg, KeyObject.from(privateKey as CryptoKey));
    const jwk = await importJWK(await exportJWK(publicKey), alg);
    const { payload, protectedHeader } = await jwtVerify(token, jwk, {
      algorithms: [alg],
      issuer: claims.iss,
      audience: 'lemonApp',
      currentDate: new Date(1_900_000_100 * 1000),
      typ: 'at+jwt',
    });
    expect(protectedHeader).toEqual({ alg, kid: 'kid-1', typ: 'at+jwt' });
    expect(payload).toEqual(claims);
    expect(decodeProtectedHeader(token).kid).toBe('kid-1');
  });

  it('produces a signature that fails verification once the payload is changed', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const token = await signCompactJws(encodeProtectedHeader({ alg: 'ES256', kid: 'k', typ: 'JWT' }), claims, 'ES256', KeyObject.from(privateKey as CryptoKey));
    const [header, , signature] = token.split('.');
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: 'admin' })).toString('base64url')}.${signature}`;
    await expect(jwtVerify(forged, publicKey, { algorithms: ['ES256'], currentDate: new Date(1_900_000_100 * 1000) })).rejects.toThrow();
  });
});
