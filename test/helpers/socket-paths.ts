/**
 * The two ways a socket is served and dialled: straight from its events through
 * its link (the default), or through its web streams, as a custom chain (zlib, a
 * user's transforms) is. Suites that prove server behaviour run on both.
 */
import type { Test } from 'uvu';
import { offerSocketLinks } from '../../src/node/socket.js';

/** 'direct': socket events and socket.write; 'streams': the socket's ReadableStream/WritableStream pair. */
export const SOCKET_PATHS = ['direct', 'streams'] as const;

/** A path of {@link SOCKET_PATHS}. */
export type SocketPath = (typeof SOCKET_PATHS)[number];

/** Makes `t` run with sockets on `path` (set before its first test, restored after its last). */
export function onSocketPath<T>(t: Test<T>, path: SocketPath): Test<T> {
  t.before(() => offerSocketLinks(path === 'direct'));
  t.after(() => offerSocketLinks(true));
  return t;
}
