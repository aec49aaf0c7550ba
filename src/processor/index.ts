/** The processor layer: dispatches decoded calls to a handler and encodes replies. */
export { Processor, type Handler, type MessageProcessor, type ProcessorOptions, type ProcessResult } from './processor.js';
export { MultiplexedProcessor, SEPARATOR } from './multiplexed.js';
export { callContext, withCallContext, type ServerCallContext } from './call-context.js';
export { composeInterceptors, type CallNext, type InterceptedCall, type Interceptor } from './interceptor.js';
export { formatCallRecord, timingInterceptor, type CallRecord, type TimingOptions } from './timing-interceptor.js';
export { CallMetrics, DEFAULT_BUCKETS, type MethodMetrics } from './call-metrics.js';
