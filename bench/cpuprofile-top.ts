/**
 * Prints the top functions by self time of one or more .cpuprofile files
 * (from `node --cpu-prof`):
 *
 *   node --import tsx bench/cpuprofile-top.ts FILE.cpuprofile [--top 15]
 *
 * Positions in TypeScript files are mapped back to the .ts source: tsx runs
 * esbuild output (minified whitespace, so V8's line numbers are useless), and
 * keeps that output with its source map in its cache directory, which this
 * reads. Without a cache entry the generated position is printed, marked `gen`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** One self-time entry. */
export interface TopEntry {
  name: string;
  where: string;
  selfMs: number;
  percent: number;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Decodes a source map's mappings into, per generated line, [genCol, srcLine, srcCol] triples sorted by genCol. */
function decodeMappings(mappings: string): number[][][] {
  const lines: number[][][] = [];
  let srcLine = 0;
  let srcCol = 0;
  let src = 0;
  let name = 0;
  for (const line of mappings.split(';')) {
    const segs: number[][] = [];
    let genCol = 0;
    for (const seg of line.split(',')) {
      if (!seg) continue;
      const vals: number[] = [];
      let value = 0;
      let shift = 0;
      for (const ch of seg) {
        const d = B64.indexOf(ch);
        value += (d & 31) << shift;
        if (d & 32) {
          shift += 5;
        } else {
          vals.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      genCol += vals[0]!;
      if (vals.length >= 4) {
        src += vals[1]!;
        srcLine += vals[2]!;
        srcCol += vals[3]!;
        if (vals.length >= 5) name += vals[4]!;
        segs.push([genCol, srcLine, srcCol]);
      }
    }
    lines.push(segs);
  }
  void src;
  void name;
  return lines;
}

let tsxIndex: Map<string, { file: string; mtime: number }> | undefined;
const decoded = new Map<string, number[][][] | null>();

/** The newest tsx cache entry per source path. */
function tsxCache(): Map<string, { file: string; mtime: number }> {
  if (tsxIndex) return tsxIndex;
  tsxIndex = new Map();
  const uid = process.getuid?.() ?? 0;
  const dir = join(tmpdir(), `tsx-${uid}`);
  let files: string[] = [];
  try {
    files = readdirSync(dir);
  } catch {
    return tsxIndex;
  }
  for (const f of files) {
    const file = join(dir, f);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    const m = /"sources":\["([^"]+)"\]/.exec(text.slice(-4096)) ?? /"sources":\["([^"]+)"\]/.exec(text);
    if (!m) continue;
    const mtime = statSync(file).mtimeMs;
    const prev = tsxIndex.get(m[1]!);
    if (!prev || prev.mtime < mtime) tsxIndex.set(m[1]!, { file, mtime });
  }
  return tsxIndex;
}

/** Maps a generated (0-based) position of a .ts module back to its 1-based source line. */
function sourceLine(path: string, line: number, column: number): number | undefined {
  let map = decoded.get(path);
  if (map === undefined) {
    const entry = tsxCache().get(path);
    map = null;
    if (entry) {
      try {
        map = decodeMappings(JSON.parse(readFileSync(entry.file, 'utf8')).map.mappings);
      } catch {
        map = null;
      }
    }
    decoded.set(path, map);
  }
  const segs = map?.[line];
  if (!segs || segs.length === 0) return undefined;
  let best: number[] | undefined;
  for (const s of segs) {
    if (s[0]! <= column) best = s;
    else break;
  }
  return (best ?? segs[0]!)[1]! + 1;
}

/** Where a call frame is, as repo-relative file:line. */
function where(cf: CallFrame, root: string): string {
  if (!cf.url) return '';
  let path = cf.url;
  if (path.startsWith('file://')) path = fileURLToPath(path);
  const rel = path.startsWith(root) ? relative(root, path) : path.replace(/^.*node_modules\//, 'node_modules/');
  if (path.endsWith('.ts')) {
    const line = sourceLine(path, cf.lineNumber, cf.columnNumber);
    if (line !== undefined) return `${rel}:${line}`;
    return `${rel}:${cf.lineNumber + 1}:${cf.columnNumber + 1} gen`;
  }
  return `${rel}:${cf.lineNumber + 1}`;
}

/** The top `n` functions by self time (idle excluded), with the share of idle time. */
export function topSelf(file: string, n = 15, root = process.cwd()): { entries: TopEntry[]; totalMs: number; idleMs: number } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
  }
  const agg = new Map<string, TopEntry>();
  let totalUs = 0;
  let idleUs = 0;
  for (const [id, us] of self) {
    const cf = byId.get(id)!.callFrame;
    totalUs += us;
    if (cf.functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    const name = cf.functionName || '(anonymous)';
    const w = where(cf, root);
    const key = `${name}@${w}`;
    const e = agg.get(key) ?? { name, where: w, selfMs: 0, percent: 0 };
    e.selfMs += us / 1000;
    agg.set(key, e);
  }
  const busyMs = (totalUs - idleUs) / 1000;
  const entries = [...agg.values()].sort((a, b) => b.selfMs - a.selfMs).slice(0, n);
  for (const e of entries) e.percent = (100 * e.selfMs) / busyMs;
  return { entries, totalMs: totalUs / 1000, idleMs: idleUs / 1000 };
}

/** Formats topSelf() as text. */
export function formatTop(file: string, n = 15, root = process.cwd()): string {
  const { entries, totalMs, idleMs } = topSelf(file, n, root);
  const out = [
    `${relative(root, file)}: ${totalMs.toFixed(0)} ms sampled, ${idleMs.toFixed(0)} ms idle; % of busy time`,
    '   self ms      %  function                           where',
  ];
  for (const e of entries) {
    out.push(`${e.selfMs.toFixed(1).padStart(10)} ${e.percent.toFixed(1).padStart(6)}  ${e.name.padEnd(34)} ${e.where}`);
  }
  return out.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const ti = args.indexOf('--top');
  const n = ti >= 0 ? Number(args.splice(ti, 2)[1]) : 15;
  for (const f of args) console.log(`${formatTop(f, n)}\n`);
}
