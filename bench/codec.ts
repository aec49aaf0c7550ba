/**
 * Case 1, codecs without a network: one operation is encoding the case's
 * struct and decoding the bytes back. Ours, Apache's `thrift` (binary and
 * compact) and thriftrw (binary only: it has no compact protocol) take turns
 * within every round; MB/s counts the encoded size once per operation.
 */
import { load, type ThriftModule } from '../src/index.js';
import { binaryProtocol, compactProtocol, type Protocol } from '../src/protocol/index.js';
import { FIXTURE, median, opsPerSecond, rotate, type RunConfig } from './common.js';
import { CODEC_CASES, makePayload, type CodecCaseId } from './payloads.js';
import { loadApache, loadThriftrw } from './peers.js';
import { jsonCodec, nestedAsJson, protobufNested } from './anchors.js';
import type { Impl, Row, Target } from './report.js';

/** A way to turn one case's value into bytes and back. */
interface Codec {
  encode(value: unknown): Uint8Array;
  decode(bytes: Uint8Array): unknown;
}

/** Our compiled codec for a struct. */
export function oursCodec(protocol: Protocol, desc: any): Codec {
  const enc = protocol.codecs.encoder(desc);
  const dec = protocol.codecs.decoder(desc);
  const w = protocol.createWriter();
  const r = protocol.createReader();
  return {
    encode(value) {
      w.begin();
      enc(w, value);
      return w.finish();
    },
    decode(bytes) {
      r.reset(bytes);
      return dec(r);
    },
  };
}

/** Apache's generated struct class over an in-memory TBufferedTransport, as its own RPC path uses it. */
function apacheCodec(Proto: any, Cls: any): Codec {
  const { thrift } = loadApache();
  let out: Uint8Array | undefined;
  const wtrans = new thrift.TBufferedTransport(undefined, (msg: Uint8Array) => (out = msg));
  const wprot = new Proto(wtrans);
  const rtrans = new thrift.TBufferedTransport();
  const rprot = new Proto(rtrans);
  return {
    encode(value: any) {
      value.write(wprot);
      wtrans.flush();
      return out!;
    },
    decode(bytes) {
      rtrans.inBuf = bytes;
      rtrans.readCursor = 0;
      rtrans.writeCursor = bytes.length;
      const v = new Cls();
      v.read(rprot);
      return v;
    },
  };
}

function thriftrwCodec(rw: any, name: string): Codec {
  const T = rw[name];
  return {
    encode: (value) => T.toBuffer(value),
    decode: (bytes) => T.fromBuffer(bytes),
  };
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** One measured line: a case under one protocol, each implementation with its value and codec. */
interface Line {
  id: CodecCaseId;
  name: string;
  size: number;
  impls: { impl: Impl; codec: Codec; value: unknown }[];
}

/** Builds every codec line and checks that each peer writes exactly our bytes. */
export function codecLines(mod: ThriftModule, only?: (id: string) => boolean): Line[] {
  const apache = loadApache();
  const rw = loadThriftrw();
  const lines: Line[] = [];
  for (const c of CODEC_CASES) {
    for (const [pname, protocol, ApacheProto] of [
      ['binary', binaryProtocol, apache.thrift.TBinaryProtocol],
      ['compact', compactProtocol, apache.thrift.TCompactProtocol],
    ] as const) {
      const id = `${c.id}-${pname}`;
      if (only && !only(id)) continue;
      const value = makePayload(mod, c.id);
      const ours = oursCodec(protocol, (mod as any)[c.struct].schema);
      const bytes = ours.encode(value);
      // The peers read Node Buffers; this view shares our bytes.
      const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const impls: Line['impls'] = [{ impl: 'ours', codec: ours, value }];
      const a = apacheCodec(ApacheProto, apache.types[c.struct]);
      impls.push({ impl: 'apache', codec: a, value: a.decode(buf) });
      if (pname === 'binary') {
        const t = thriftrwCodec(rw, c.struct);
        impls.push({ impl: 'thriftrw', codec: t, value: t.decode(buf) });
      }
      // Same content, same bytes: otherwise the comparison would be meaningless.
      for (const { impl, codec, value: v } of impls.filter((i) => i.impl !== 'json' && i.impl !== 'protobufjs')) {
        if (!equalBytes(codec.encode(v), bytes)) throw new Error(`${id}: ${impl} does not re-encode our bytes exactly`);
      }
      if (c.id === 'nested' && pname === 'binary') {
        // Anchors users weigh a codec against: the same content, in their own formats.
        impls.push({ impl: 'json', codec: jsonCodec as Codec, value: nestedAsJson(value) });
        const pb = protobufNested(value);
        impls.push({ impl: 'protobufjs', codec: pb.codec as Codec, value: pb.value });
      }
      lines.push({ id: c.id, name: `${c.label} (${pname})`, size: bytes.length, impls });
    }
  }
  return lines;
}

/** Runs case 1: a warm-up round, then cfg.rounds rounds with the implementations in rotating order. */
export async function runCodec(cfg: RunConfig, only?: (id: string) => boolean, log = console.log): Promise<Row[]> {
  const mod = load(FIXTURE);
  const lines = codecLines(mod, only);
  const results = lines.map(() => new Map<Impl, number[]>());
  for (let round = -1; round < cfg.rounds; round++) {
    const budget = round < 0 ? cfg.codecMs / 2 : cfg.codecMs;
    lines.forEach((line, li) => {
      for (const { impl, codec, value } of rotate(line.impls, round + 1)) {
        const ops = opsPerSecond(() => codec.decode(codec.encode(value)), budget);
        if (round >= 0) {
          const list = results[li]!.get(impl) ?? [];
          list.push(ops);
          results[li]!.set(impl, list);
        }
      }
    });
    log(round < 0 ? '  codec: warm-up done' : `  codec: round ${round + 1}/${cfg.rounds}`);
    // Let the GC catch up between rounds rather than inside a measurement.
    await new Promise((r) => setTimeout(r, 10));
  }
  const rows = lines.map((line, li) => {
    const rounds = Object.fromEntries(results[li]!) as Row['rounds'];
    const med = Object.fromEntries([...results[li]!].map(([k, v]) => [k, median(v)])) as Row['median'];
    const targets: Target[] = [{ against: 'apache', min: 3 }];
    if (med.thriftrw !== undefined) targets.push({ against: 'thriftrw', min: 2 });
    if (med.json !== undefined) targets.push({ against: 'json', min: 2 });
    if (med.protobufjs !== undefined) targets.push({ against: 'protobufjs', min: 3 });
    const extra: Record<string, number> = { bytes: line.size };
    for (const [k, v] of Object.entries(med)) extra[`${k}MBps`] = (v * line.size) / 1e6;
    return { family: 'codec', name: line.name, unit: 'ops/s', median: med, rounds, extra, targets } as Row;
  });
  // Compact should stay within 15% of binary on the nested case (issue 14): printed beside the row.
  const bin = rows.find((r) => r.name.startsWith('1b') && r.name.endsWith('(binary)'));
  const com = rows.find((r) => r.name.startsWith('1b') && r.name.endsWith('(compact)'));
  if (bin?.median.ours && com?.median.ours) com.note = `compact/binary ${(com.median.ours / bin.median.ours).toFixed(2)} (target >= 0.85)`;
  return rows;
}
