/**
 * The client side of Thrift over HTTP, on `fetch`: each message written is POSTed
 * to the service URL with `Content-Type: application/x-thrift`, and each reply
 * body is one message read (Apache's THttpClient and TXHRTransport semantics).
 * Requests run concurrently, so calls pipeline as they do over a socket, and
 * replies are matched by sequence id above this layer. POSTs go out through a
 * requester (http-requester.ts): `fetch` by default, so it runs in browsers, Node,
 * Deno and workers alike; the Node entry injects one on node:http.
 */
import { abortReason, ConnectionClosedError, TransportError } from '../errors.js';
import { armDeadline } from '../deadline.js';
import { DuplexEnds } from './duplex-ends.js';
import { fetchRequester, HTTP_CONTENT_TYPE, type FetchLike, type HttpRequester, type HttpRequesterFactory } from './http-requester.js';
import { streams } from './streams.js';
import type { DuplexStream } from './types.js';

export type { FetchLike } from './http-requester.js';

/** Options of {@link createHttpTransport}. */
export interface HttpTransportOptions {
  /** The service URL (http: or https:), path included. */
  url: string | URL;
  /** Extra request headers (authorization, tracing...). */
  headers?: Record<string, string>;
  /**
   * Credentials mode for browsers ('same-origin' by default, as fetch has it). Spelled
   * out, not the DOM's RequestCredentials, so Node projects without lib dom compile our .d.ts.
   */
  credentials?: 'omit' | 'same-origin' | 'include';
  /** The fetch to use; default `globalThis.fetch`. */
  fetch?: FetchLike;
  /** @internal What sends the POSTs instead of fetch (the Node entry's node:http one). */
  requester?: HttpRequesterFactory;
  /** Largest reply body accepted, in bytes; a larger one fails the connection. Default 16_384_000. */
  maxMessageSize?: number;
}

/** Per-request options of {@link HttpTransport.request}. */
export interface HttpRequestOptions {
  /** Milliseconds the whole exchange may take; then it rejects with TimeoutError. */
  timeout?: number;
  /** Aborts the request; it rejects with the signal's reason (an AbortError if none). */
  signal?: AbortSignal;
  /** Request headers for this request only (trace context...), added to the transport's. */
  headers?: Readonly<Record<string, string>>;
}

/**
 * Thrift over HTTP as a duplex: a message written is sent as one POST, a reply
 * body is read as one message. An HTTP error status, a network failure or an
 * oversized reply fails the duplex (both streams error), as a socket failure would.
 */
export interface HttpTransport extends DuplexStream {
  /** The service URL. */
  readonly url: string;
  /** Requests sent and not yet answered, through the duplex or {@link request}. */
  readonly inflight: number;
  /**
   * POSTs one message outside the duplex and resolves with the reply body (empty
   * for a oneway call) once it has arrived whole: the way to learn that the server
   * accepted a message no reply will be read for. Failures reject this request only.
   */
  request(message: Uint8Array, options?: HttpRequestOptions): Promise<Uint8Array>;
  /**
   * POSTs one message for the duplex, as writing it does, with extra request headers
   * for this request only (the hook per-call headers such as trace context take); its reply is read from the duplex.
   */
  post(message: Uint8Array, headers?: Readonly<Record<string, string>>): void;
  /** Ends the duplex: requests whose replies nobody waits for any more are cancelled; {@link request}s go on. Idempotent. */
  close(): void;
  /** Cancels every request, {@link request}s too, and errors both streams with `error`; idempotent. */
  destroy(error?: Error): void;
}

const DEFAULT_MAX_MESSAGE_SIZE = 16_384_000;

/**
 * POSTs to one service URL, each message its own request with its own deadline, and
 * keeps the requests in flight so destroy() can cancel them: what an HTTP client
 * needs, without the duplex (createHttpConnection builds on this alone).
 */
export class HttpRequests {
  /** The service URL. */
  readonly url: string;
  /** @internal What sends the POSTs. */
  readonly requester: HttpRequester;
  private readonly open = new Set<AbortController>();
  /** Requests with neither deadline nor signal: only destroy() cancels them, through the requester. */
  private plain = 0;
  private failure: Error | undefined;

  constructor(options: HttpTransportOptions) {
    this.url = String(options.url);
    const make = options.requester ?? fetchRequester(options.fetch);
    this.requester = make({
      url: this.url,
      headers: { 'Content-Type': HTTP_CONTENT_TYPE, Accept: HTTP_CONTENT_TYPE, ...options.headers },
      credentials: options.credentials,
      maxMessageSize: options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE,
    });
  }

  /** Requests in flight. */
  get size(): number {
    return this.open.size + this.plain;
  }

  /** See {@link HttpTransport.request}. */
  request(message: Uint8Array, options: HttpRequestOptions = {}): Promise<Uint8Array> {
    if (this.failure !== undefined) return Promise.reject(new ConnectionClosedError('the HTTP transport was destroyed', { cause: this.failure }));
    const { signal, timeout } = options;
    if (signal === undefined && !(timeout !== undefined && timeout > 0)) {
      // Nothing can call it off but destroy(): no AbortController (an EventTarget) per request.
      this.plain++;
      return this.requester.post(message, undefined, options.headers).then(this.plainDone, this.plainFailed);
    }
    if (signal?.aborted) return Promise.reject(abortReason(signal, 'request aborted'));
    const controller = new AbortController();
    this.open.add(controller);
    let stopped: unknown;
    const disarm = armDeadline(
      { timeout, signal, timeoutMessage: `HTTP request to ${this.url} timed out after ${timeout} ms`, abortMessage: 'request aborted' },
      (reason) => {
        stopped = reason;
        controller.abort(reason);
      },
    );
    return this.requester
      .post(message, controller.signal, options.headers)
      .catch((e: unknown) => {
        throw stopped ?? e;
      })
      .finally(() => {
        this.open.delete(controller);
        disarm();
      });
  }

  private readonly plainDone = (reply: Uint8Array): Uint8Array => {
    this.plain--;
    return reply;
  };

  private readonly plainFailed = (error: unknown): never => {
    this.plain--;
    throw error;
  };

  /** Lets the requests in flight finish and releases kept-alive connections after them. */
  close(): void {
    this.requester.close();
  }

  /** Cancels every request in flight with `error` (default ConnectionClosedError); later requests reject. Idempotent. */
  destroy(error?: Error): void {
    const failure = error ?? new ConnectionClosedError('connection destroyed');
    this.failure ??= failure;
    for (const controller of this.open) controller.abort(failure);
    this.open.clear();
    this.requester.destroy(failure);
  }
}

class RequesterTransport extends DuplexEnds implements HttpTransport {
  readonly url: string;
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
  /** Requests made through request(): their callers get the replies. */
  private readonly direct: HttpRequests;
  private readonly requester: HttpRequester;
  /** Requests made for the duplex: their replies go to the readable. */
  private readonly posted = new Set<AbortController>();
  private failure: Error | undefined;

  constructor(options: HttpTransportOptions) {
    super();
    this.direct = new HttpRequests(options);
    this.url = this.direct.url;
    this.requester = this.direct.requester;
    const { ReadableStream } = streams();
    this.readable = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.readController = controller;
      },
      cancel: () => {
        // Nobody reads replies any more: the requests still waiting for them are of no use.
        this.readOpen = false;
        this.cancelPosted();
      },
    });
    this.writable = this.writableTo((chunk) => this.post(chunk));
  }

  get inflight(): number {
    return this.posted.size + this.direct.size;
  }

  request(message: Uint8Array, options?: HttpRequestOptions): Promise<Uint8Array> {
    return this.direct.request(message, options);
  }

  close(): void {
    this.writeOpen = false;
    // Everything still posted belongs to calls that settled already (timed out, aborted, oneway).
    this.cancelPosted();
    if (this.readOpen) {
      this.readOpen = false;
      this.readController.close();
    }
    this.requester.close();
  }

  destroy(error?: Error): void {
    const failure = error ?? new ConnectionClosedError('connection destroyed');
    this.failure ??= failure;
    this.fail(failure);
    this.cancelPosted();
    this.direct.destroy(failure);
  }

  post(message: Uint8Array, headers?: Readonly<Record<string, string>>): void {
    if (this.failure !== undefined) throw new ConnectionClosedError('the HTTP transport failed', { cause: this.failure });
    const controller = new AbortController();
    this.posted.add(controller);
    this.requester.post(message, controller.signal, headers).then(
      (reply) => {
        this.posted.delete(controller);
        if (reply.byteLength > 0 && this.readOpen) this.readController.enqueue(reply);
      },
      (error: unknown) => {
        this.posted.delete(controller);
        // A cancelled request was given up on purpose; anything else breaks the connection.
        if (!controller.signal.aborted) this.destroy(error instanceof Error ? error : new TransportError(String(error)));
      },
    );
  }

  private cancelPosted(): void {
    for (const controller of this.posted) controller.abort(new ConnectionClosedError('connection closed'));
    this.posted.clear();
  }
}

/** Creates a Thrift-over-HTTP transport for one service URL. Nothing is sent until a message is written. */
export function createHttpTransport(options: HttpTransportOptions): HttpTransport {
  if (options === null || typeof options !== 'object' || options.url === undefined) {
    throw new TypeError('createHttpTransport: options.url is required');
  }
  return new RequesterTransport(options);
}
