/**
 * Whole messages: header plus one struct body, and TApplicationException
 * (doc/specs/thrift-rpc.md: field 1 message, field 2 type).
 */
import { AppErrorType, ThriftAppError } from '../errors.js';
import { MessageType, type StructDesc } from './schema.js';
import type { Protocol, ProtocolReader, ProtocolWriter } from './types.js';

/** The TApplicationException struct. */
export const APP_EXCEPTION: StructDesc = {
  kind: 'struct',
  name: 'TApplicationException',
  annotations: {},
  fields: [
    { id: 1, name: 'message', type: { kind: 'string' }, requiredness: 'optional', annotations: {} },
    { id: 2, name: 'type', type: { kind: 'i32' }, requiredness: 'optional', annotations: {} },
  ],
};

/**
 * Encodes one message: header, then `value` with `encode`. On an encoding error the
 * writer is rewound and the error rethrown, so a bad value never corrupts the stream.
 */
export function encodeMessage(
  w: ProtocolWriter,
  name: string,
  type: number,
  seqid: number,
  encode: (w: ProtocolWriter, value: any) => void,
  value: unknown,
): Uint8Array {
  w.begin();
  try {
    w.writeMessageBegin(name, type, seqid);
    encode(w, value);
    return w.finish();
  } catch (e) {
    w.abort();
    throw e;
  }
}

/** Encodes a TApplicationException reply (message type EXCEPTION). */
export function encodeAppError(protocol: Protocol, w: ProtocolWriter, name: string, seqid: number, error: ThriftAppError): Uint8Array {
  return encodeMessage(w, name, MessageType.EXCEPTION, seqid, protocol.codecs.encoder(APP_EXCEPTION), {
    message: error.message,
    type: error.type,
  });
}

/** Reads a TApplicationException body (after the message header). */
export function decodeAppError(protocol: Protocol, r: ProtocolReader): ThriftAppError {
  const v = protocol.codecs.decoder(APP_EXCEPTION)(r) as { message?: string; type?: number };
  return new ThriftAppError(v.type ?? AppErrorType.UNKNOWN, v.message ?? '');
}
