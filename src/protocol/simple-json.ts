/**
 * TSimpleJSONProtocol as one object, and the helpers that turn a struct instance
 * into natural JSON and back. Its class carries the schema (`Class.schema`), so
 * no descriptor is passed. Simple JSON writes no message header (as Python's), so
 * it is not a protocol for calls over a connection: services take it over HTTP
 * as `POST <path>/<method>` (server/json-route.ts).
 */
import { ProtocolError, ProtocolErrorType } from '../errors.js';
import type { StructDesc } from './schema.js';
import { SimpleJsonCodecs } from './simple-json-codec.js';
import { measureSimpleJson, SimpleJsonReader } from './simple-json-reader.js';
import { SimpleJsonWriter } from './simple-json-writer.js';
import type { Protocol, ReaderLimits } from './types.js';

export { SimpleJsonReader, measureSimpleJson } from './simple-json-reader.js';
export { SimpleJsonWriter } from './simple-json-writer.js';

const codecs = new SimpleJsonCodecs();

/** TSimpleJSONProtocol: field names, no types, no message header; read back with the schema. */
export const simpleJsonProtocol: Protocol = {
  name: 'simple-json',
  codecs,
  createWriter: () => new SimpleJsonWriter(),
  createReader: (limits?: ReaderLimits) => new SimpleJsonReader(limits),
  measure: measureSimpleJson,
};

/** A class the loader or generated code made for a struct, union or exception: it knows its schema. */
export interface SchemaClass<T> {
  new (...args: any[]): T;
  /** The descriptor the codecs read. */
  readonly schema: StructDesc;
}

const utf8 = new TextDecoder();
let writer: SimpleJsonWriter | undefined;

function schemaOfClass(cls: unknown, caller: string): StructDesc {
  const desc = (cls as { schema?: StructDesc } | null | undefined)?.schema;
  if (desc === undefined || desc === null || typeof desc !== 'object' || !Array.isArray(desc.fields)) {
    throw new TypeError(`${caller}: expected a struct, union or exception class from load() or generated code`);
  }
  return desc;
}

/** The simple JSON (TSimpleJSONProtocol's bytes, as text) of a struct, union or exception instance. */
export function toSimpleJson(value: object): string {
  const ctor = value === null || typeof value !== 'object' ? undefined : (value as { constructor?: unknown }).constructor;
  const desc = schemaOfClass(ctor, 'toSimpleJson');
  writer ??= new SimpleJsonWriter(1024);
  const w = writer;
  w.begin();
  try {
    codecs.encoder(desc)(w, value);
  } catch (e) {
    w.abort();
    throw e;
  }
  return utf8.decode(w.finish());
}

/**
 * An instance of `cls` read from simple JSON (text or UTF-8 bytes), typed as the
 * class's instances (`any` for classes of load()'s untyped modules). Throws a
 * ProtocolError naming the path of the first value that does not fit the schema.
 */
export function fromSimpleJson<C extends SchemaClass<unknown>>(cls: C, json: string | Uint8Array, limits?: ReaderLimits): InstanceType<C> {
  const desc = schemaOfClass(cls, 'fromSimpleJson');
  if (typeof json !== 'string' && !(json instanceof Uint8Array)) {
    throw new ProtocolError('fromSimpleJson: expected JSON text or UTF-8 bytes', ProtocolErrorType.INVALID_DATA);
  }
  const r = new SimpleJsonReader(limits);
  r.reset(json);
  return codecs.decoder(desc)(r) as InstanceType<C>;
}
