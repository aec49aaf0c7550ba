/**
 * What a server call carries besides its arguments: the request's info headers
 * (THeader, HeaderFormat.md INFO_KEYVALUE) and the headers to send back. Seen by
 * interceptors as `call.context`, and by handlers through {@link callContext}.
 */

/** Per-call transport metadata on the server side. */
export interface ServerCallContext {
  /** The request's info headers (empty unless the client spoke THeader). */
  readonly headers: Readonly<Record<string, string>>;
  /** Info headers for the reply; set entries before the handler settles (THeader replies only). */
  readonly responseHeaders: Record<string, string>;
}

let current: ServerCallContext | undefined;

/**
 * The context of the server call whose handler is running. Valid synchronously
 * at the start of the handler (read it before the first `await`); undefined
 * outside a handler, or when the transport carries no context.
 */
export function callContext(): ServerCallContext | undefined {
  return current;
}

/** Runs `fn` with `context` as the current call's, restoring the previous one after. */
export function withCallContext<T>(context: ServerCallContext | undefined, fn: () => T): T {
  if (context === undefined) return fn();
  const previous = current;
  current = context;
  try {
    return fn();
  } finally {
    current = previous;
  }
}
