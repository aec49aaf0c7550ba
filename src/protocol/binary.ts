/** The binary protocol as one object: writer, reader, message measuring and its codec cache. */
import { BinaryReader } from './binary-reader.js';
import { BinaryWriter } from './binary-writer.js';
import { measureBinary } from './binary-measure.js';
import { CodecCache } from './codec.js';
import type { Protocol, ReaderLimits } from './types.js';

/** Options for {@link createBinaryProtocol}. */
export interface BinaryProtocolOptions {
  /** Write strict (versioned) message headers; default true. Reading accepts both forms always. */
  strictWrite?: boolean;
}

/** Creates a binary protocol (TBinaryProtocol). */
export function createBinaryProtocol(options: BinaryProtocolOptions = {}): Protocol {
  const strict = options.strictWrite ?? true;
  return {
    name: 'binary',
    codecs: binaryCodecs,
    createWriter() {
      const w = new BinaryWriter();
      w.strict = strict;
      return w;
    },
    createReader(limits?: ReaderLimits) {
      return new BinaryReader(limits);
    },
    measure: measureBinary,
  };
}

// One cache for every binary protocol instance: the generated code does not depend on the options.
const binaryCodecs = new CodecCache();

/** The default binary protocol: strict writes, accepts strict and non-strict reads. */
export const binaryProtocol: Protocol = createBinaryProtocol();
