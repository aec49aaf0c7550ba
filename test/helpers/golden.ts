/**
 * Output of the real peers (Apache's compiler, Debian's python3-thrift), committed
 * under test/fixtures/golden/ so the byte-for-byte checks run on every machine.
 * Where the peer is installed each value is made again and must equal the committed
 * one (a stale fixture fails); `npm run golden` (scripts/golden.mjs) rewrites them.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { has, peerFailures, present, type Peer } from './peers.js';

const dir = new URL('../fixtures/golden/', import.meta.url);
const regenerate = process.env.REGEN_GOLDEN === '1';
const stores = new Map<string, Record<string, unknown>>();
const noted = new Set<string>();

function open(store: string): Record<string, unknown> {
  let values = stores.get(store);
  if (values) return values;
  const file = new URL(`${store}.json`, dir);
  if (regenerate) {
    // Rewritten whole from this run, so keys no test asks for any more drop out.
    values = {};
    process.once('exit', () => {
      const sorted = Object.fromEntries(Object.entries(values!).sort(([a], [b]) => (a < b ? -1 : 1)));
      writeFileSync(file, `${JSON.stringify(sorted, null, 1)}\n`);
    });
  } else {
    values = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  }
  stores.set(store, values!);
  return values!;
}

/**
 * The committed value `key` of `store`, which `make` (run only where `peers` are
 * installed) must reproduce; under REGEN_GOLDEN=1 it records what `make` returns.
 */
export function golden<T>(store: string, key: string, peers: Peer | Peer[], make: () => T): T {
  const values = open(store);
  const list = Array.isArray(peers) ? peers : [peers];
  if (regenerate) return (values[key] = make());
  if (!(key in values)) throw new Error(`no golden value ${key} in test/fixtures/golden/${store}.json: run npm run golden`);
  const committed = values[key] as T;
  if (list.every(present)) {
    const live = make();
    // Reported as a failure of the run, not thrown: the checks still run on the committed value.
    if (!isDeepStrictEqual(JSON.parse(JSON.stringify(live)), committed)) {
      peerFailures.push(`test/fixtures/golden/${store}.json is stale at ${key}: the peer now writes something else; run npm run golden`);
    }
  } else if (!noted.has(store)) {
    noted.add(store);
    has(list, `test/fixtures/golden/${store}.json is what the peer writes today (its checks ran on the committed bytes)`);
  }
  return committed;
}
