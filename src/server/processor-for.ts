/** How every server entry point turns its arguments into a processor: one service, or a multiplexed map. */
import type { Interceptor } from '../call/index.js';
import { defaultErrorLog, MultiplexedProcessor, Processor, type Handler, type MessageProcessor } from '../processor/index.js';
import { isService, resolveProtocol, type Protocol, type ProtocolName, type ServiceDesc } from '../protocol/index.js';
import { isApacheGenerated, notAServiceMessage } from '../protocol/schema.js';
import { checkOptions, libraryHints, type OptionsDictionary } from '../options.js';

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

/** What a server's `timeout` option (aiothrift's idle timeout, in seconds) is here. */
export const serverTimeoutHint =
  "servers close idle connections after idleTimeout, in ms (aiothrift's timeout is in seconds: timeout: 10 is idleTimeout: 10_000); call timeouts are the client's";

/**
 * Reads the (service, handler, options) or (services, options) arguments of a
 * server factory named `caller`, checks the options against `shapes` (multiplexed
 * servers also take defaultService), and builds its processor (for
 * `protocolOverride` when given, else the options' protocol); bad arguments are a TypeError.
 */
export function processorFor<O extends ProcessorChoice>(
  caller: string,
  first: ServiceDesc | ServiceMap,
  second: Handler | O | undefined,
  third: O | undefined,
  shapes: OptionsDictionary,
  protocolOverride?: Protocol,
): { processor: MessageProcessor; options: O } {
  const multiplexed = !isService(first);
  // Checked before the options: else a typo'd service (undefined) made the handler read as options ("unknown option ping").
  if (isApacheGenerated(first) || first === null || typeof first !== 'object') throw new TypeError(notAServiceMessage(caller, first));
  const given = multiplexed ? second : third;
  checkOptions(caller, given, multiplexed ? { ...shapes, defaultService: 'string' } : shapes, libraryHints({ timeout: serverTimeoutHint }));
  const options = (given ?? {}) as O;
  if (protocolOverride === undefined && options.protocol === 'auto') throw new TypeError(`${caller}: protocol 'auto' is for socket servers (createServer); name the protocol`);
  const protocol = protocolOverride ?? resolveProtocol(options.protocol as ProtocolName | Protocol | undefined);
  const processorOptions = { protocol, maxDepth: options.maxDepth, onError: options.onError ?? defaultErrorLog, exposeErrors: options.exposeErrors, interceptors: options.interceptors };
  if (!multiplexed) return { processor: new Processor(first, second as Handler, processorOptions), options };
  for (const [name, entry] of Object.entries(first)) {
    if (isApacheGenerated(entry)) throw new TypeError(notAServiceMessage(caller, entry));
    if (!Array.isArray(entry) || !isService(entry[0])) throw new TypeError(`${caller}: services[${JSON.stringify(name)}] must be [service, handler]`);
  }
  return { processor: new MultiplexedProcessor(first, { ...processorOptions, defaultService: options.defaultService }), options };
}
