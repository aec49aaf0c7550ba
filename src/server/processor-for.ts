/** How every server entry point turns its arguments into a processor: one service, or a multiplexed map. */
import type { Interceptor } from '../call/index.js';
import { defaultErrorLog, MultiplexedProcessor, Processor, type Handler, type MessageProcessor } from '../processor/index.js';
import { isService, resolveProtocol, type Protocol, type ProtocolName, type ServiceDesc } from '../protocol/index.js';

/** Services served together on one port, by the names multiplexing clients use: name → [service, handler]. */
export type ServiceMap = Readonly<Record<string, readonly [ServiceDesc, Handler]>>;

/** The options every server shares for building its processor. */
export interface ProcessorChoice {
  protocol?: ProtocolName | Protocol | 'auto';
  maxDepth?: number;
  onError?: (error: unknown) => void;
  exposeErrors?: boolean;
  interceptors?: readonly Interceptor[];
  /** Multiplexed only: the service that answers calls without a `Service:` prefix. */
  defaultService?: string;
}

/**
 * Reads the (service, handler, options) or (services, options) arguments of a
 * server factory named `caller` and builds its processor (for `protocolOverride` when given, else the
 * options' protocol); bad arguments are a TypeError.
 */
export function processorFor<O extends ProcessorChoice>(
  caller: string,
  first: ServiceDesc | ServiceMap,
  second: Handler | O | undefined,
  third: O | undefined,
  protocolOverride?: Protocol,
): { processor: MessageProcessor; options: O } {
  const multiplexed = !isService(first);
  const options = ((multiplexed ? second : third) ?? {}) as O;
  if (protocolOverride === undefined && options.protocol === 'auto') throw new TypeError(`${caller}: protocol 'auto' is for socket servers (createServer); name the protocol`);
  const protocol = protocolOverride ?? resolveProtocol(options.protocol as ProtocolName | Protocol | undefined);
  const processorOptions = { protocol, maxDepth: options.maxDepth, onError: options.onError ?? defaultErrorLog, exposeErrors: options.exposeErrors, interceptors: options.interceptors };
  if (!multiplexed) return { processor: new Processor(first, second as Handler, processorOptions), options };
  if (first === null || typeof first !== 'object') {
    throw new TypeError(`${caller}: the first argument must be a service from load(), or a map of name → [service, handler]`);
  }
  for (const [name, entry] of Object.entries(first)) {
    if (!Array.isArray(entry) || !isService(entry[0])) throw new TypeError(`${caller}: services[${JSON.stringify(name)}] must be [service, handler]`);
  }
  return { processor: new MultiplexedProcessor(first, { ...processorOptions, defaultService: options.defaultService }), options };
}
