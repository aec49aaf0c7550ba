/**
 * Framings by name: what `transport: 'framed'` and the other names resolve to. Only
 * the option parsers that take names import this (createClient, serveConnection, the
 * Node socket client), so a program that passes a framing object, or none (HTTP,
 * WebSocket), does not carry the others.
 */
import { bufferedTransport } from './buffered.js';
import { messageTransport, type Framing, type MessageFraming } from './channel.js';
import { framedTransport } from './framed.js';

const byName: Record<Framing, MessageFraming> = {
  buffered: bufferedTransport,
  framed: framedTransport,
  message: messageTransport,
};

/** Resolves a `transport` option (a name or a framing object) to its framing object; undefined is `fallback`. */
export function framingOf(transport: Framing | MessageFraming | undefined, fallback: MessageFraming = bufferedTransport): MessageFraming {
  if (transport === undefined) return fallback;
  if (typeof transport === 'object' && transport !== null && typeof transport.open === 'function') return transport;
  const found = typeof transport === 'string' && Object.hasOwn(byName, transport) ? byName[transport] : undefined;
  if (found === undefined) throw new TypeError(`unknown transport ${JSON.stringify(transport)}: use 'buffered', 'framed' or 'message'`);
  return found;
}
