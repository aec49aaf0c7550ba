/**
 * The server's timing defaults, written once. Every server kind (socket, HTTP, WebSocket),
 * every served connection and the transport detection before it resolve their options
 * here, so a default cannot differ between them or drift from the docs.
 */

import { DEFAULT_CLOSE_TIMEOUT } from '../lifecycle.js';

/** The defaults of the server timing options, in ms: the ones the option docs name. */
export const SERVER_DEFAULTS = Object.freeze({
  /** A request must arrive whole within this long of its first byte (0: no limit). */
  messageTimeout: 30_000,
  /** close() lets in-flight calls finish and their replies go out for this long, then destroys. */
  closeTimeout: DEFAULT_CLOSE_TIMEOUT,
});

/** The message timeout of `options`: the given value (0 kept, it means none), else the default. */
export function messageTimeoutOf(options: { readonly messageTimeout?: number }): number {
  return options.messageTimeout ?? SERVER_DEFAULTS.messageTimeout;
}

/** The close timeout of `options`: the given value, else the default. */
export function closeTimeoutOf(options: { readonly closeTimeout?: number }): number {
  return options.closeTimeout ?? SERVER_DEFAULTS.closeTimeout;
}
