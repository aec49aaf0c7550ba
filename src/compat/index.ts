/**
 * thrift-streams/compat: small adapters for moving from Apache's npm `thrift` a
 * piece at a time — clients that take node-style callbacks, Apache's
 * callback-style handlers, and node-int64 values for i64. Not imported by the core
 * entry; see docs/migrating.md.
 */
export { withCallbacks, type CallableClient, type CallbackClient, type NodeCallback, type WithCallback } from './callback-client.js';
export { fromCallbackHandler, type CallbackHandlerOptions, type ResultCallback } from './callback-handler.js';
export { fromInt64, isInt64Like, toInt64, type Int64Constructor, type Int64Like } from './int64.js';
export { bigintsFor, int64sFor } from './i64-values.js';
