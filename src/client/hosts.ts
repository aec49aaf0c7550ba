/** Server addresses as users write them, shared by the balanced client and the pool. */

/** One server: host and port, or a unix socket path. A string is `host:port` or a path. */
export type HostAddress = { host?: string; port: number } | { path: string } | string;

/** Where to dial: what createConnection takes. */
export interface HostTarget {
  host?: string;
  port?: number;
  path?: string;
}

/** An address parsed: `key` names it (`host:port` or the path), `target` dials it. */
export function parseHost(address: HostAddress): { key: string; target: HostTarget } {
  if (typeof address === 'string') {
    const m = /^(.*):(\d+)$/.exec(address);
    if (m !== null) {
      const host = m[1].replace(/^\[(.*)\]$/, '$1');
      return { key: address, target: { host, port: Number(m[2]) } };
    }
    if (address.includes('/')) return { key: address, target: { path: address } };
    throw new TypeError(`host ${JSON.stringify(address)} is neither host:port nor a socket path`);
  }
  if (address === null || typeof address !== 'object') throw new TypeError(`host must be "host:port", a socket path, { host, port } or { path }, got ${String(address)}`);
  if ('path' in address) return { key: address.path, target: { path: address.path } };
  const host = address.host ?? '127.0.0.1';
  return { key: `${host}:${address.port}`, target: { host, port: address.port } };
}
