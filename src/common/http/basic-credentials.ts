import { DomainError } from '../errors/domain-error.js';

export interface BasicCredentials {
  id: string;
  secret: string;
}

/**
 * `Authorization: Basic …` as RFC 6749 §2.3.1 writes it (both parts form-urlencoded), or
 * undefined when the header is not Basic. Malformed credentials are an `invalid_client`
 * answered with the caller's `WWW-Authenticate` challenge.
 */
export function parseBasicCredentials(header: string | undefined, challenge: string): BasicCredentials | undefined {
  if (!header || !/^basic /i.test(header)) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const malformed = () => new DomainError('invalid_client', 'Malformed Basic credentials', { challenge });
  if (colon < 0) throw malformed();
  try {
    const decode = (value: string) => decodeURIComponent(value.replace(/\+/g, ' '));
    const credentials = { id: decode(decoded.slice(0, colon)), secret: decode(decoded.slice(colon + 1)) };
    if (`${credentials.id}${credentials.secret}`.includes('\u0000')) throw malformed();
    return credentials;
  } catch {
    throw malformed();
  }
}
