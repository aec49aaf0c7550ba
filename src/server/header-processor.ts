/**
 * The server side of THeader (apache/thrift doc/specs/HeaderFormat.md): takes a
 * frame's payload, undoes its header, runs the inner protocol's processor with
 * the request's info headers as call context, and wraps the reply echoing the
 * request's protocol id, transforms, flags and sequence id, as Apache's servers do.
 */
import { AppErrorType, ThriftAppError } from '../errors.js';
import type { CallOrigin, ServerCallContext } from '../call/index.js';
import type { MessageProcessor, ProcessResult } from '../processor/index.js';
import { binaryProtocol, encodeAppError, type Protocol, type ProtocolWriter } from '../protocol/index.js';
import { HeaderProtocolId, type HeaderCodec, type HeaderMeta } from '../transport/index.js';

/** Finds the processor for a frame's protocol id, or undefined when the server does not speak it. */
export type ProcessorById = (protocolId: number) => MessageProcessor | undefined;

/** Answers THeader frames; a MessageProcessor for a framed connection. */
export class HeaderProcessor implements MessageProcessor {
  /** Frames are length-prefixed: no protocol measures them. */
  readonly protocol: Protocol = binaryProtocol;
  private errorWriter: ProtocolWriter | undefined;

  constructor(
    private readonly codec: HeaderCodec,
    private readonly processorById: ProcessorById,
  ) {}

  /** Handles one THeader frame's payload; throws when its header is malformed (the connection is then dropped). */
  process(frame: Uint8Array, _context?: ServerCallContext, from?: CallOrigin): ProcessResult | Promise<ProcessResult> {
    let decoded;
    try {
      decoded = this.codec.decode(frame);
    } catch (e) {
      // A transform or protocol this side lacks is answered, not dropped (HeaderFormat.md: "an error MUST be returned").
      if (e instanceof ThriftAppError) return this.refuse(frame, e);
      throw e;
    }
    const inner = this.processorById(decoded.protocolId);
    if (inner === undefined) {
      return this.refuse(frame, new ThriftAppError(AppErrorType.INVALID_PROTOCOL, `this server does not speak protocol id ${decoded.protocolId} in THeader`));
    }
    const context: ServerCallContext = { headers: decoded.headers, responseHeaders: {} };
    const meta: HeaderMeta = { flags: decoded.flags, seqid: decoded.seqid, protocolId: decoded.protocolId, transforms: decoded.transforms, headers: context.responseHeaders };
    const out = inner.process(decoded.payload, context, from);
    if (out instanceof Promise) return out.then((reply) => (reply === undefined ? undefined : this.codec.encode(reply, meta)));
    return out === undefined ? undefined : this.codec.encode(out, meta);
  }

  /** A TApplicationException in a plain binary THeader frame, as Apache's Python server sends it. */
  private refuse(frame: Uint8Array, error: ThriftAppError): Uint8Array {
    this.errorWriter ??= binaryProtocol.createWriter();
    const seqid = frame.length >= 8 ? (frame[4] << 24) | (frame[5] << 16) | (frame[6] << 8) | frame[7] : 0;
    const message = encodeAppError(binaryProtocol, this.errorWriter, '', seqid, error);
    return this.codec.encode(message, { flags: 0, seqid, protocolId: HeaderProtocolId.BINARY, transforms: [], headers: {} });
  }
}
