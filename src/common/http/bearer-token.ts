/**
 * The credential of an `Authorization: Bearer …` header (RFC 6750 §2.1; the scheme is
 * case-insensitive), or undefined when there is none.
 */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  const match = /^bearer +([A-Za-z0-9._~+/=-]+) *$/i.exec(header);
  return match?.[1];
}
