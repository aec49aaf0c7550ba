/**
 * Which web-stream classes the transport layer constructs. Streams of different
 * implementations cannot be piped into each other (each brand-checks its peer), so
 * a program that installs a polyfill should do so before opening any connection.
 */

/** The constructors the transport layer uses to build its streams. */
export interface StreamClasses {
  ReadableStream: typeof ReadableStream;
  WritableStream: typeof WritableStream;
  TransformStream: typeof TransformStream;
}

let installed: StreamClasses | undefined;

/** Installs the stream classes the transport layer constructs from now on (e.g. web-streams-polyfill's). */
export function useStreams(classes: StreamClasses): void {
  for (const name of ['ReadableStream', 'WritableStream', 'TransformStream'] as const) {
    if (typeof classes?.[name] !== 'function') {
      throw new TypeError(`useStreams: ${name} must be a constructor`);
    }
  }
  installed = {
    ReadableStream: classes.ReadableStream,
    WritableStream: classes.WritableStream,
    TransformStream: classes.TransformStream,
  };
}

/** The stream classes in use: those given to {@link useStreams}, else globalThis's. */
export function streams(): StreamClasses {
  if (installed !== undefined) return installed;
  // Read lazily so a polyfill loaded after this module (as a global) is still found.
  const g = globalThis as Partial<StreamClasses>;
  if (typeof g.ReadableStream !== 'function' || typeof g.WritableStream !== 'function' || typeof g.TransformStream !== 'function') {
    throw new TypeError('this runtime has no web streams; install some with useStreams()');
  }
  installed = { ReadableStream: g.ReadableStream, WritableStream: g.WritableStream, TransformStream: g.TransformStream };
  return installed;
}
