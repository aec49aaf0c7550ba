/**
 * Compares two V8 heap snapshots (before and after opening N connections) by
 * node type and name: what each idle connection costs, per kind of object.
 */
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** Total self size and count per `type:name` of a snapshot file. */
function aggregate(file: string): Map<string, { size: number; count: number }> {
  const s = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const f = s.snapshot.meta.node_fields;
  const width = f.length;
  const iType = f.indexOf('type');
  const iName = f.indexOf('name');
  const iSize = f.indexOf('self_size');
  const types = s.snapshot.meta.node_types[0];
  const out = new Map<string, { size: number; count: number }>();
  for (let i = 0; i < s.nodes.length; i += width) {
    const type = types[s.nodes[i + iType]!]!;
    let name = s.strings[s.nodes[i + iName]!]!;
    // Strings and numbers would each be their own entry: group them by type.
    if (type === 'string' || type === 'concatenated string' || type === 'sliced string' || type === 'number') name = '';
    if (name.length > 60) name = `${name.slice(0, 57)}...`;
    const key = `${type}:${name}`;
    const e = out.get(key) ?? { size: 0, count: 0 };
    e.size += s.nodes[i + iSize]!;
    e.count++;
    out.set(key, e);
  }
  return out;
}

/** The `top` kinds of object that grew most, per connection. */
export function heapDiff(before: string, after: string, n: number, top = 15): string {
  const a = aggregate(before);
  const b = aggregate(after);
  const rows: { key: string; size: number; count: number }[] = [];
  let total = 0;
  for (const [key, e] of b) {
    const p = a.get(key) ?? { size: 0, count: 0 };
    const size = e.size - p.size;
    total += size;
    rows.push({ key, size, count: e.count - p.count });
  }
  rows.sort((x, y) => y.size - x.size);
  const out = [`heap snapshot growth: ${(total / n).toFixed(0)} B per connection (self sizes, ArrayBuffer stores included)`];
  out.push('   B/conn  objs/conn  type:name');
  for (const r of rows.slice(0, top)) {
    out.push(`${(r.size / n).toFixed(0).padStart(9)} ${(r.count / n).toFixed(2).padStart(10)}  ${r.key}`);
  }
  return out.join('\n');
}
