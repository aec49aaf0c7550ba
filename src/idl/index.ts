/**
 * The IDL layer: .thrift source into schema descriptors and runtime classes.
 * Universal: `load`, which reads from disk, lives in src/node/load.ts.
 */
export { loadSource, type LoadOptions, type LoadSourceOptions } from './load-source.js';
export { schemaOf, type ThriftModule } from './module.js';
export { defineIdlModule, type IdlModuleSpec, type StructClass } from './codegen-runtime.js';
