/**
 * Several services on one connection, as Apache's TMultiplexedProcessor: the
 * client names the service in the message name (`Service:method`); the reply
 * carries the bare method name, as Apache's processors write it.
 */
import { AppErrorType } from '../errors.js';
import { binaryProtocol, MessageType, type Protocol, type ProtocolReader, type ServiceDesc } from '../protocol/index.js';
import type { CallOrigin, ServerCallContext } from '../call/index.js';
import { Processor, type Handler, type MessageProcessor, type ProcessorOptions, type ProcessResult } from './processor.js';

/** The separator Apache's TMultiplexedProtocol puts between service and method. */
export const SEPARATOR = ':';

/** Serves several services by name over one protocol. */
export class MultiplexedProcessor implements MessageProcessor {
  /** The protocol requests and replies use. */
  readonly protocol: Protocol;
  private readonly processors = new Map<string, Processor>();
  private readonly reader: ProtocolReader;
  /** Serves names without a prefix (plain, non-multiplexed clients), if set. */
  private fallback: Processor | undefined;

  constructor(services: Readonly<Record<string, readonly [ServiceDesc, Handler]>>, options: ProcessorOptions & { defaultService?: string } = {}) {
    this.protocol = options.protocol ?? binaryProtocol;
    this.reader = this.protocol.createReader({ maxDepth: options.maxDepth });
    if (Object.keys(services).length === 0) throw new TypeError('a multiplexed server needs at least one service');
    for (const [name, [service, handler]] of Object.entries(services)) {
      if (name.includes(SEPARATOR)) throw new TypeError(`service name ${JSON.stringify(name)} must not contain '${SEPARATOR}'`);
      this.processors.set(name, new Processor(service, handler, { ...options, protocol: this.protocol }));
    }
    if (options.defaultService !== undefined) {
      this.fallback = this.processors.get(options.defaultService);
      if (this.fallback === undefined) throw new TypeError(`defaultService ${JSON.stringify(options.defaultService)} is not one of the services`);
    }
  }

  /** Handles one request: finds the service named before ':' and dispatches the bare method name to it. */
  process(message: Uint8Array, context?: ServerCallContext, from?: CallOrigin): ProcessResult | Promise<ProcessResult> {
    const r = this.reader;
    r.reset(message);
    const { name, type, seqid } = r.readMessageBegin();
    const at = name.indexOf(SEPARATOR);
    if (at < 0) {
      if (this.fallback) return this.fallback.dispatch(name, type, seqid, r, context, from);
      return this.reject(name, type, seqid, `no service named in ${JSON.stringify(name)}: multiplexed calls are "Service${SEPARATOR}method"`);
    }
    const processor = this.processors.get(name.slice(0, at));
    const method = name.slice(at + 1);
    if (processor === undefined) return this.reject(method, type, seqid, `unknown service ${JSON.stringify(name.slice(0, at))}`);
    return processor.dispatch(method, type, seqid, r, context, from);
  }

  private reject(name: string, type: number, seqid: number, message: string): ProcessResult {
    if (type === MessageType.ONEWAY) return undefined;
    const any = this.processors.values().next().value as Processor;
    return any.appError(name, seqid, AppErrorType.UNKNOWN_METHOD, message);
  }
}
