/** The processor layer: dispatches decoded calls to a handler and encodes replies. */
export { Processor, type Handler, type MessageProcessor, type ProcessorOptions, type ProcessResult } from './processor.js';
export { MultiplexedProcessor, SEPARATOR } from './multiplexed.js';
export { createErrorLog, defaultErrorLog, type ErrorLog, type ErrorLogOptions } from './error-log.js';
