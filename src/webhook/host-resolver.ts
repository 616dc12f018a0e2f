import { lookup } from 'node:dns/promises';

/** Resolves a webhook target's host name to every address it has (the SSRF check inspects them all). */
export interface HostResolver {
  resolve(host: string): Promise<ReadonlyArray<{ address: string; family: number }>>;
}

/** Injection token of the resolver the SSRF check uses; the system resolver unless overridden (tests). */
export const HOST_RESOLVER = Symbol('HostResolver');

export const systemHostResolver: HostResolver = {
  resolve: (host) => lookup(host, { all: true, verbatim: true }),
};
