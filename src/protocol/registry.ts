/** Protocols by the names the options accept. */
import { binaryProtocol } from './binary.js';
import { compactProtocol } from './compact.js';
import { jsonProtocol } from './json.js';
import type { Protocol } from './types.js';

/** Protocol names accepted by `protocol` options. */
export type ProtocolName = 'binary' | 'compact' | 'json';

const byName: Record<ProtocolName, Protocol> = {
  binary: binaryProtocol,
  compact: compactProtocol,
  json: jsonProtocol,
};

/** Resolves a `protocol` option (a name or a Protocol object) to a Protocol; default binary. */
export function resolveProtocol(protocol: ProtocolName | Protocol | undefined): Protocol {
  if (protocol === undefined) return binaryProtocol;
  if (typeof protocol === 'object') return protocol;
  const found = byName[protocol];
  if (found === undefined) throw new TypeError(`unknown protocol ${JSON.stringify(protocol)}: use one of ${Object.keys(byName).join(', ')}`);
  return found;
}
