/**
 * Result rows, the targets as ratios, the printed table and the JSON
 * written to bench/results/latest.json.
 */

/** The implementations a row can compare. */
export type Impl = 'ours' | 'apache' | 'thriftrw' | 'raw' | 'json' | 'protobufjs';

/** A target: ours / peer must be >= min (higher is better) or <= max (lower is better). */
export interface Target {
  /** The peer compared with, or 'abs' for an absolute bound on ours. */
  against: Exclude<Impl, 'ours'> | 'abs';
  min?: number;
  max?: number;
}

/** One benchmark case: a median per implementation, the per-round figures and the targets. */
export interface Row {
  family: 'codec' | 'rpc' | 'memory' | 'idl' | 'otel' | 'runtime' | 'web';
  /** Case name as printed. */
  name: string;
  /** Unit of the figures (higher is better unless lowerIsBetter). */
  unit: string;
  lowerIsBetter?: boolean;
  /** Median over rounds per implementation. */
  median: Partial<Record<Impl, number>>;
  /** Every round's figure, for comparison over time. */
  rounds: Partial<Record<Impl, number[]>>;
  /** Extra figures (MB/s, p99, sizes), medians too. */
  extra?: Record<string, number>;
  targets: Target[];
  /** A note printed under the table. */
  note?: string;
}

/** A target checked against a row's medians. */
export interface Verdict {
  text: string;
  ratio: number | undefined;
  met: boolean | undefined;
}

/** Checks one target of a row. */
export function verdict(row: Row, t: Target): Verdict {
  const ours = row.median.ours;
  const bound = t.min !== undefined ? `>= ${t.min}` : `<= ${t.max}`;
  if (t.against === 'abs') {
    const met = ours === undefined ? undefined : t.min !== undefined ? ours >= t.min : ours <= t.max!;
    return { text: `ours ${t.min !== undefined ? '>=' : '<'} ${t.min ?? t.max} ${row.unit}`, ratio: undefined, met };
  }
  const peer = row.median[t.against];
  const ratio = ours !== undefined && peer !== undefined && peer !== 0 ? ours / peer : undefined;
  const met = ratio === undefined ? undefined : t.min !== undefined ? ratio >= t.min : ratio <= t.max!;
  return { text: `/${t.against} ${bound}`, ratio, met };
}

const IMPLS: Impl[] = ['ours', 'apache', 'thriftrw', 'raw', 'json', 'protobufjs'];
/** The peers a ratio column is printed for. */
const PEERS: Impl[] = IMPLS.slice(1);

/** Prints rows as a fixed-width table. `cell` formats one figure of a row. */
export function table(rows: Row[], cell: (row: Row, impl: Impl) => string): string {
  const header = ['case', 'unit', ...IMPLS, ...PEERS.map((p) => `ours/${p}`), 'targets', 'met'];
  const numeric = (c: number): boolean => c >= 2 && c < 2 + IMPLS.length + PEERS.length;
  const lines: string[][] = [header];
  for (const row of rows) {
    const ratio = (peer: Impl): string => {
      const o = row.median.ours;
      const p = row.median[peer];
      return o !== undefined && p !== undefined && p !== 0 ? `${(o / p).toFixed(2)}x` : '-';
    };
    const vs = row.targets.map((t) => verdict(row, t));
    const met = vs.length === 0 ? '-' : vs.every((v) => v.met) ? 'yes' : vs.some((v) => v.met === false) ? 'NO' : '?';
    lines.push([
      row.name,
      row.unit,
      ...IMPLS.map((i) => cell(row, i)),
      ...PEERS.map(ratio),
      vs.map((v) => `${v.text}${v.met === false ? ' (miss)' : ''}`).join('; ') || '-',
      met,
    ]);
  }
  const widths = header.map((_, c) => Math.max(...lines.map((l) => l[c]!.length)));
  const out = lines.map((l) => l.map((s, c) => (numeric(c) ? s.padStart(widths[c]!) : s.padEnd(widths[c]!))).join(' | ').trimEnd());
  out.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('-|-'));
  return out.join('\n');
}

/** The same table as GitHub markdown, for bench/README.md. */
export function markdown(rows: Row[], cell: (row: Row, impl: Impl) => string): string {
  const header = ['case', 'unit', ...IMPLS, ...PEERS.map((p) => `ours/${p}`), 'target met'];
  const last = 2 + IMPLS.length + PEERS.length;
  const out = [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i >= 2 && i < last ? '---:' : '---')).join('|')}|`];
  for (const row of rows) {
    const ratio = (peer: Impl): string => {
      const o = row.median.ours;
      const p = row.median[peer];
      return o !== undefined && p !== undefined && p !== 0 ? `${(o / p).toFixed(2)}×` : '';
    };
    const vs = row.targets.map((t) => verdict(row, t));
    const met = vs.length === 0 ? '' : vs.every((v) => v.met) ? 'yes' : `**no** (${vs.filter((v) => !v.met).map((v) => v.text).join(', ')})`;
    out.push(`| ${[row.name, row.unit, ...IMPLS.map((i) => cell(row, i)), ...PEERS.map(ratio), met].join(' | ')} |`);
  }
  return out.join('\n');
}
