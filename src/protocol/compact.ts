/** The compact protocol as one object: writer, reader, message measuring and its codec cache. */
import { CodecCache } from './codec.js';
import { CompactReader, measureCompact } from './compact-reader.js';
import { CompactWriter } from './compact-writer.js';
import type { Protocol, ReaderLimits } from './types.js';

// The generated code is shared text, but a cache of its own keeps the compact call sites monomorphic.
const compactCodecs = new CodecCache();

/** TCompactProtocol. */
export const compactProtocol: Protocol = {
  name: 'compact',
  codecs: compactCodecs,
  createWriter: () => new CompactWriter(),
  createReader: (limits?: ReaderLimits) => new CompactReader(limits),
  measure: measureCompact,
};
