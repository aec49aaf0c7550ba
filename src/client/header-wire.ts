/**
 * The client side of THeader (apache/thrift doc/specs/HeaderFormat.md): wraps
 * each request in a header frame (protocol id, transforms, info headers, the
 * call's sequence id) and unwraps replies, handing their info headers to the call.
 */
import { ProtocolError } from '../errors.js';
import type { Protocol } from '../protocol/index.js';
import { HeaderCodec, HeaderProtocolId, HeaderTransformId, type HeaderFrame, type HeaderOptions } from '../transport/index.js';

/** THeader settings of a client. */
export interface ClientHeaderOptions extends HeaderOptions {
  /** Compress every request with the zlib transform (replies come back as the server chooses). */
  zlib?: boolean;
  /** Info headers sent with every call; a call's own `headers` add to and override them. */
  headers?: Readonly<Record<string, string>>;
}

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});
const ZLIB = [HeaderTransformId.ZLIB];

/** One connection's THeader state: the codec and what every request carries. */
export class HeaderWire {
  private readonly codec: HeaderCodec;
  private readonly protocolId: number;
  private readonly transforms: readonly number[];
  private readonly headers: Readonly<Record<string, string>>;

  constructor(protocol: Protocol, options: ClientHeaderOptions, maxMessageSize: number | undefined) {
    this.protocolId = protocolIdOf(protocol);
    this.codec = new HeaderCodec({ maxMessageSize, ...options });
    this.transforms = options.zlib === true ? ZLIB : [];
    this.headers = options.headers ?? NO_HEADERS;
  }

  /** One request's frame payload (the framed transport adds the length). */
  wrap(message: Uint8Array, seqid: number, headers: Readonly<Record<string, string>> | undefined): Uint8Array {
    const all = headers === undefined ? this.headers : this.headers === NO_HEADERS ? headers : { ...this.headers, ...headers };
    return this.codec.encode(message, { flags: 0, seqid, protocolId: this.protocolId, transforms: this.transforms, headers: all });
  }

  /** One reply frame, decoded; throws ProtocolError when the server answered in another protocol. */
  unwrap(frame: Uint8Array): HeaderFrame {
    const decoded = this.codec.decode(frame);
    if (decoded.protocolId !== this.protocolId) {
      throw new ProtocolError(`THeader reply in protocol id ${decoded.protocolId}, but the client speaks protocol id ${this.protocolId}`);
    }
    return decoded;
  }
}

// By name, not by object: importing the three protocol objects here would put all of them in every bundle with a client.
const PROTOCOL_IDS: Readonly<Record<string, number>> = { binary: HeaderProtocolId.BINARY, compact: HeaderProtocolId.COMPACT, json: HeaderProtocolId.JSON };

function protocolIdOf(protocol: Protocol): number {
  const id = Object.hasOwn(PROTOCOL_IDS, protocol.name) ? PROTOCOL_IDS[protocol.name] : undefined;
  if (id === undefined) throw new TypeError("transport 'header' carries the binary, compact or JSON protocol only");
  return id;
}
