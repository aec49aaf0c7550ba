/**
 * What sends one Thrift-over-HTTP POST and reads its reply: the seam between the
 * HTTP transport (which matches nothing, tracks requests and cancels them) and the
 * engine that talks HTTP. Universal code uses {@link fetchRequester}; the Node
 * entry injects one on node:http / node:http2 (src/node/http-requester.ts).
 * Every requester fails the same way: TransportError naming the URL and the root
 * cause (`connect ECONNREFUSED 127.0.0.1:8080`), HttpStatusError for a status
 * other than 200/204, FrameTooLargeError for a reply over the limit, and the
 * signal's reason when aborted.
 */
import { FrameTooLargeError, HttpStatusError, TransportError } from '../errors.js';

/** A `fetch` function of the WHATWG shape. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** What a requester is made for: one service URL. */
export interface HttpRequesterOptions {
  /** The service URL, path included. */
  readonly url: string;
  /** Request headers, Content-Type and Accept included. */
  readonly headers: Readonly<Record<string, string>>;
  /** Browsers' credentials mode (fetch only). */
  readonly credentials?: 'omit' | 'same-origin' | 'include';
  /** Largest reply body accepted, in bytes. */
  readonly maxMessageSize: number;
}

/** Sends POSTs to one service URL; see the module comment for how it fails. */
export interface HttpRequester {
  /**
   * POSTs `body`, with `headers` added to the requester's for this request only;
   * resolves with the whole reply body (empty for a 204 or an empty 200). `signal`
   * cancels this request alone; a request without one (no deadline, nothing to abort
   * it: the common call) costs no AbortController, and only destroy() cancels it.
   */
  post(body: Uint8Array, signal: AbortSignal | undefined, headers?: Readonly<Record<string, string>>): Promise<Uint8Array>;
  /** Releases kept-alive connections once the requests in flight are done; idempotent. */
  close(): void;
  /** Rejects every request in flight with `reason` now, cancels them and drops the connections; idempotent. */
  destroy(reason: Error): void;
}

/** Makes the requester of one transport. */
export type HttpRequesterFactory = (options: HttpRequesterOptions) => HttpRequester;

/** What Apache's THttpClient sends and expects (lib/java THttpClient, lib/py THttpClient). */
export const HTTP_CONTENT_TYPE = 'application/x-thrift';

/**
 * The message at the bottom of an error's `cause` chain: fetch in Node says only
 * "fetch failed" and puts `connect ECONNREFUSED 127.0.0.1:8080` two levels down.
 */
export function rootMessage(error: unknown): string {
  let e: unknown = error;
  for (let depth = 0; depth < 8; depth++) {
    const next = (e as { cause?: unknown } | null)?.cause;
    if (next instanceof Error) e = next;
    else if (e instanceof AggregateError && e.errors[0] instanceof Error) e = e.errors[0];
    else break;
  }
  if (e instanceof Error) return e.message || (e as { code?: string }).code || e.name;
  return String(e);
}

/** The TransportError of a request that did not get an answer. */
export function requestFailed(url: string, error: unknown): TransportError {
  return new TransportError(`HTTP request to ${url} failed: ${rootMessage(error)}`, 'TRANSPORT', { cause: error });
}

/** Concatenates reply chunks; no copy for a reply that came in one piece. */
export function joinChunks(chunks: readonly Uint8Array[], length: number): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const reply = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    reply.set(c, at);
    at += c.byteLength;
  }
  return reply;
}

function ignore(): void {}

/** How many bytes of an error status's body are read to quote it: 200 characters of any script fit. */
export const ERROR_TEXT_BYTES = 1024;

/** Whether an error status's body is worth quoting in HttpStatusError: text/plain, what our server and most servers' short refusals send (an HTML page is not). */
export function isErrorText(contentType: string | null | undefined): boolean {
  return contentType != null && /^\s*text\/plain\s*(;|$)/i.test(contentType);
}

/** The first ERROR_TEXT_BYTES of an error body as text; a character cut at the end becomes U+FFFD, which the quote's own cut drops. */
export function errorText(chunks: readonly Uint8Array[], length: number): string {
  return new TextDecoder().decode(joinChunks(chunks, length).subarray(0, ERROR_TEXT_BYTES));
}

/** A requester on `fetch` (default `globalThis.fetch`): browsers, Deno, workers, Bun. */
export function fetchRequester(fetch?: FetchLike): HttpRequesterFactory {
  const fetchFn = fetch ?? (globalThis as { fetch?: FetchLike }).fetch;
  if (typeof fetchFn !== 'function') throw new TypeError('createHttpTransport: this runtime has no fetch; pass one as options.fetch');
  // Called unbound, a browser's fetch throws "Illegal invocation".
  const call: FetchLike = fetch ?? ((input, init) => fetchFn.call(globalThis, input, init));
  return (options) => new FetchRequester(call, options);
}

class FetchRequester implements HttpRequester {
  private readonly fetch: FetchLike;
  private readonly url: string;
  private readonly init: RequestInit;
  private readonly limit: number;
  /** fetch takes a signal to be cancelled by: requests posted without one get one here, for destroy(). */
  private readonly unsignalled = new Set<AbortController>();

  constructor(fetch: FetchLike, options: HttpRequesterOptions) {
    this.fetch = fetch;
    this.url = options.url;
    this.limit = options.maxMessageSize;
    this.init = { method: 'POST', headers: options.headers, credentials: options.credentials, cache: 'no-store', redirect: 'error' };
  }

  async post(body: Uint8Array, given: AbortSignal | undefined, headers?: Readonly<Record<string, string>>): Promise<Uint8Array> {
    if (given !== undefined) return this.send(body, given, headers);
    const controller = new AbortController();
    this.unsignalled.add(controller);
    try {
      return await this.send(body, controller.signal, headers);
    } finally {
      this.unsignalled.delete(controller);
    }
  }

  close(): void {}

  destroy(reason: Error): void {
    for (const controller of this.unsignalled) controller.abort(reason);
    this.unsignalled.clear();
  }

  private async send(body: Uint8Array, signal: AbortSignal, headers: Readonly<Record<string, string>> | undefined): Promise<Uint8Array> {
    let response: Response;
    const init = headers === undefined ? this.init : { ...this.init, headers: { ...(this.init.headers as Record<string, string>), ...headers } };
    try {
      response = await this.fetch(this.url, { ...init, body: body as BodyInit, signal });
    } catch (e) {
      if (signal.aborted) throw signal.reason;
      throw requestFailed(this.url, e);
    }
    if (response.status !== 200 && response.status !== 204) {
      const text = isErrorText(response.headers.get('content-type')) ? await this.readErrorText(response.body, signal) : undefined;
      response.body?.cancel().catch(ignore);
      throw new HttpStatusError(this.url, response.status, response.statusText, text);
    }
    return this.readReply(response, signal);
  }

  /** The start of an error status's body; the caller cancels the rest. A body that fails midway is quoted as far as it came. */
  private async readErrorText(body: ReadableStream<Uint8Array> | null, signal: AbortSignal): Promise<string | undefined> {
    if (body === null) return undefined;
    const reader = body.getReader();
    const chunks: Uint8Array[] = [];
    let length = 0;
    try {
      while (length < ERROR_TEXT_BYTES) {
        const { value, done } = await reader.read();
        if (done) break;
        chunks.push(value);
        length += value.byteLength;
      }
    } catch {
      if (signal.aborted) throw signal.reason;
    } finally {
      reader.releaseLock();
    }
    return errorText(chunks, length);
  }

  /** Reads a reply body, refusing one larger than the limit before buffering it. */
  private async readReply(response: Response, signal: AbortSignal): Promise<Uint8Array> {
    const limit = this.limit;
    const declared = Number(response.headers.get('content-length') ?? NaN);
    if (declared > limit) {
      response.body?.cancel().catch(ignore);
      throw new FrameTooLargeError(declared, limit, 'message');
    }
    const body = response.body;
    if (body === null) return new Uint8Array(0);
    const reader = body.getReader();
    const chunks: Uint8Array[] = [];
    let length = 0;
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        length += value.byteLength;
        if (length > limit) {
          reader.cancel().catch(ignore);
          throw new FrameTooLargeError(length, limit, 'message');
        }
        chunks.push(value);
      }
    } catch (e) {
      if (signal.aborted) throw signal.reason;
      if (e instanceof FrameTooLargeError) throw e;
      throw new TransportError(`reading the HTTP reply from ${this.url} failed: ${rootMessage(e)}`, 'TRANSPORT', { cause: e });
    }
    return joinChunks(chunks, length);
  }
}
