/**
 * Options validated at the door (after web-streams-polyfill's dictionaries): each
 * factory names the keys it knows and the shape of each value; an unknown key or a
 * wrong shape is a TypeError naming the factory and the key, and names that Apache's
 * npm `thrift` or aiothrift use get a hint of what to write instead. A leaf next to
 * errors.ts, so client/ and server/ share one dictionary of hints; each factory
 * passes the hints it needs (see {@link OptionHints}).
 */
import { describe } from './describe.js';

/**
 * The shape of one option: base kinds joined by '|' — 'string', 'number', 'boolean',
 * 'function', 'object' (a plain or class instance, not an array), 'array', 'any'.
 */
export type OptionShape = string;

/** The keys a factory accepts, each with its shape. */
export type OptionsDictionary = Readonly<Record<string, OptionShape>>;

/**
 * What to tell a user who wrote another library's option: a hint per key the
 * dictionary lacks, and one for a known key given a value of the wrong shape.
 * Each factory passes the hints that fit it, so a browser's HTTP client carries
 * only the few about HTTP, not the socket and server ones.
 */
export interface OptionHints {
  /** What to write instead, by key. */
  readonly renamed?: Readonly<Record<string, string>>;
  /** The hint for `value` of the wrong shape under the known `key`, or ''. */
  readonly shape?: (key: string, value: unknown) => string;
}

/** Apache's HTTP and XHR connection options (and its debug flag): what every URL factory, in a browser too, hints at. */
export const httpRenamed: Readonly<Record<string, string>> = {
  debug: "Apache's debug flag: log with interceptors (e.g. timingInterceptor), see docs/migrating.md",
  ssl: "Apache's ssl: use tls (node:tls options) — or, over HTTP, an https:// url",
  https: "Apache's https: put https:// in url",
  nodeOptions: "Apache's nodeOptions: use tls (node:tls options) or headers",
  useCORS: "Apache's useCORS: the server option is origins: ['https://app.example'] (createHttpServer)",
};

/** The other names Apache's npm `thrift` and aiothrift use that no factory of ours takes, with what to write instead. */
const socketRenamed: Readonly<Record<string, string>> = {
  max_attempts: "Apache's max_attempts: use createReconnectingConnection(service, { retry: { maxAttempts } })",
  retry_max_delay: "Apache's retry_max_delay: use retry: { maxDelay } (ms) with createReconnectingConnection",
  connect_timeout: "Apache's connect_timeout: use connectTimeout (ms)",
  address: "aiothrift's address: use host and port (or path for a Unix socket)",
  protocol_cls: "aiothrift's protocol_cls: use protocol: 'binary' | 'compact' | 'json'",
  loop: "aiothrift's loop: not needed, there is no event loop to pass",
  maxAttempts: 'maxAttempts belongs in retry: { maxAttempts } (createReconnectingConnection, createPool)',
  maxDelay: 'maxDelay belongs in retry: { maxDelay } (ms)',
  initialDelay: 'initialDelay belongs in retry: { initialDelay } (ms)',
};

/** Hints for a known key given a value of the wrong shape. */
function shapeHint(key: string, value: unknown): string {
  if (key === 'timeout' && Array.isArray(value)) {
    return "aiothrift's (connect, read) timeout tuple: use connectTimeout and timeout, both in ms";
  }
  if ((key === 'transport' || key === 'protocol') && typeof value === 'function') {
    const names = key === 'transport' ? "'buffered' | 'framed' | 'header'" : "'binary' | 'compact' | 'json'";
    return `Apache's ${key} classes (${value.name || 'a class'}) are named here: ${key}: ${names}`;
  }
  if (key === 'port' && typeof value === 'string' && /^\d+$/.test(value)) return `give the port as a number: port: ${value}`;
  if (key === 'hosts' && !Array.isArray(value)) return "hosts is an array: ['127.0.0.1:6000', { host, port }]";
  return '';
}

/** The hints of the socket, pool and server factories (Apache's and aiothrift's names), with a factory's own `extra` first. */
export function libraryHints(extra?: Readonly<Record<string, string>>): OptionHints {
  // Spread here, not in a module-level table: bundlers keep a top-level spread even when nothing uses it.
  return { renamed: { ...socketRenamed, ...httpRenamed, ...extra }, shape: shapeHint };
}

function matches(value: unknown, kind: string): boolean {
  switch (kind) {
    case 'any':
      return true;
    case 'array':
      return Array.isArray(value);
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value);
    case 'number':
      return typeof value === 'number' && !Number.isNaN(value);
    default:
      return typeof value === kind;
  }
}

/**
 * Checks `options` of `factory` against `dictionary`: undefined passes, anything but a
 * plain object is refused (aiothrift's address tuple included), unknown keys and
 * wrong shapes are TypeErrors with a hint from `hints` where one is known; `undefined` values pass.
 */
export function checkOptions(factory: string, options: unknown, dictionary: OptionsDictionary, hints: OptionHints): void {
  if (options === undefined) return;
  if (Array.isArray(options)) {
    const tuple = options.length === 2 && typeof options[0] === 'string' && typeof options[1] === 'number';
    throw new TypeError(
      `${factory}: options must be an object, got an array` +
        (tuple ? ` — aiothrift's address tuple: use { host: ${JSON.stringify(options[0])}, port: ${options[1]} }` : ''),
    );
  }
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`${factory}: options must be an object, got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    const value = (options as Record<string, unknown>)[key];
    const shape = dictionary[key];
    if (shape === undefined) {
      const table = hints.renamed;
      const hint = table !== undefined && Object.hasOwn(table, key) ? table[key] : undefined;
      throw new TypeError(`${factory}: unknown option ${JSON.stringify(key)}${hint === undefined ? '' : ` (${hint})`}`);
    }
    if (value === undefined) continue;
    const kinds = shape.split('|');
    if (kinds.some((k) => matches(value, k))) continue;
    const hint = hints.shape?.(key, value) ?? '';
    throw new TypeError(`${factory}: option ${key} must be ${kinds.join(' or ')}, got ${describe(value)}${hint === '' ? '' : ` (${hint})`}`);
  }
}
