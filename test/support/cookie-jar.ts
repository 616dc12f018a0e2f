/** One Set-Cookie header, split into its value and attributes (names lower-cased). */
export interface SetCookie {
  name: string;
  value: string;
  raw: string;
  attributes: Record<string, string | true>;
}

export function parseSetCookies(headers: Headers): SetCookie[] {
  return headers.getSetCookie().map((raw) => {
    const [pair, ...rest] = raw.split(';').map((part) => part.trim());
    const eq = pair!.indexOf('=');
    const attributes: Record<string, string | true> = {};
    for (const attribute of rest) {
      const at = attribute.indexOf('=');
      if (at === -1) attributes[attribute.toLowerCase()] = true;
      else attributes[attribute.slice(0, at).toLowerCase()] = attribute.slice(at + 1);
    }
    return { name: pair!.slice(0, eq), value: decodeURIComponent(pair!.slice(eq + 1)), raw, attributes };
  });
}

/**
 * A minimal cookie jar for the e2e tests: keeps what the server sets, drops what it
 * expires, and sends the cookies whose Path matches the request, as a browser would.
 */
export class CookieJar {
  private readonly cookies = new Map<string, { value: string; path: string }>();

  store(headers: Headers): SetCookie[] {
    const set = parseSetCookies(headers);
    for (const cookie of set) {
      const maxAge = cookie.attributes['max-age'];
      if (cookie.value === '' || maxAge === '0') this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, { value: cookie.value, path: String(cookie.attributes.path ?? '/') });
    }
    return set;
  }

  get(name: string): string | undefined {
    return this.cookies.get(name)?.value;
  }

  header(path: string): string | undefined {
    const matching = [...this.cookies.entries()].filter(([, cookie]) => path === cookie.path || path.startsWith(cookie.path.endsWith('/') ? cookie.path : `${cookie.path}/`));
    return matching.length > 0 ? matching.map(([name, cookie]) => `${name}=${cookie.value}`).join('; ') : undefined;
  }
}
