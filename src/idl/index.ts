/**
 * The IDL layer: load a .thrift file into schema descriptors and runtime
 * classes. `loadSource` and `schemaOf` have no node:* dependency; `load`
 * reads from disk.
 */
export { load } from './load.js';
export { loadSource, type LoadOptions, type LoadSourceOptions } from './load-source.js';
export { schemaOf, type ThriftModule } from './module.js';
