/** The call layer both sides share: per-call options, the server's call context, the interceptor type and its composition, timing and metrics. */
export type { CallOptions } from './call-options.js';
export { callContext, withCallContext, type ServerCallContext } from './call-context.js';
export { composeInterceptors, type CallNext, type CallOrigin, type CallPeer, type InterceptedCall, type Interceptor } from './interceptor.js';
export { formatCallRecord, timingInterceptor, type CallRecord, type TimingOptions } from './timing-interceptor.js';
export { CallMetrics, DEFAULT_BUCKETS, type MethodMetrics } from './call-metrics.js';
