/**
 * The anchors of codec case 1b users weigh us against: V8's JSON round trip and
 * protobufjs on the same content as proto3 (i64 as JSON strings, as JSON has no
 * 64-bit integers). Both are built from our runtime value, so the content matches.
 */
import protobuf from 'protobufjs';

/** A way to turn one case's value into bytes (or text) and back. */
export interface AnchorCodec {
  encode(value: unknown): unknown;
  decode(encoded: any): unknown;
}

/** The nested value as plain JSON-able data: i64 values as decimal strings. */
export function nestedAsJson(value: any): unknown {
  const counts: Record<string, string> = {};
  for (const [k, v] of value.counts as Map<string, bigint>) counts[k] = v.toString();
  return {
    items: value.items.map((i: any) => ({ id: i.id, name: i.name, score: i.score, active: i.active })),
    counts,
    tags: [...value.tags],
    label: value.label,
  };
}

/** `JSON.parse(JSON.stringify(x))`; encode gives the text, decode parses it. */
export const jsonCodec: AnchorCodec = {
  encode: (v) => JSON.stringify(v),
  decode: (s: string) => JSON.parse(s),
};

/** Case 1b's schema as proto3, built with protobufjs's reflection API (the same as a .proto file). */
const PROTO = `syntax = "proto3";
message Item { int32 id = 1; string name = 2; double score = 3; bool active = 4; }
message Nested { repeated Item items = 1; map<string, int64> counts = 2; repeated string tags = 3; string label = 4; }`;

/** protobufjs's generated-at-runtime codec for the nested message, and its value. */
export function protobufNested(value: any): { codec: AnchorCodec; value: unknown } {
  const root = protobuf.parse(PROTO).root;
  const Nested = root.lookupType('Nested');
  const counts: Record<string, protobuf.Long | number> = {};
  // protobufjs represents int64 as Long when long.js is present, otherwise as number.
  for (const [k, v] of value.counts as Map<string, bigint>) counts[k] = Number(v);
  const msg = Nested.fromObject({ ...(nestedAsJson(value) as object), counts });
  return {
    codec: {
      encode: (v) => Nested.encode(v as protobuf.Message).finish(),
      decode: (b: Uint8Array) => Nested.decode(b),
    },
    value: msg,
  };
}
