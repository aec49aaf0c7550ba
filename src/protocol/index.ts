/** The protocol layer: schema descriptors, the binary protocol, compiled struct codecs, messages. */
export { assertService, isService, TType, MessageType, serviceFunctions, ttypeOf } from './schema.js';
export type {
  Annotations,
  BaseKind,
  BaseTypeDesc,
  ClientOf,
  ConstDesc,
  EnumDesc,
  EnumTypeDesc,
  EnumValueDesc,
  FieldDesc,
  FunctionDesc,
  HandlerOf,
  ListTypeDesc,
  MapTypeDesc,
  ProgramDesc,
  Requiredness,
  ServiceDesc,
  SetTypeDesc,
  StructCtor,
  StructDesc,
  StructTypeDesc,
  TypeDesc,
  TypedefDesc,
  TypedService,
} from './schema.js';
export type { MessageHeader, Protocol, ProtocolReader, ProtocolWriter, ReaderLimits } from './types.js';
export { BinaryWriter } from './binary-writer.js';
export { BinaryReader } from './binary-reader.js';
export { measureBinary } from './binary-measure.js';
export { binaryProtocol, createBinaryProtocol, type BinaryProtocolOptions } from './binary.js';
export { compactProtocol } from './compact.js';
export { CompactWriter, CType } from './compact-writer.js';
export { CompactReader, measureCompact } from './compact-reader.js';
export { jsonProtocol, JsonReader, JsonWriter, measureJson } from './json.js';
export { fromSimpleJson, measureSimpleJson, SimpleJsonReader, simpleJsonProtocol, SimpleJsonWriter, toSimpleJson, type SchemaClass } from './simple-json.js';
export { CodecCache, type StructDecoder, type StructEncoder } from './codec.js';
export { APP_EXCEPTION, decodeAppError, encodeAppError, encodeMessage } from './message.js';
export { resolveProtocol, type ProtocolName } from './registry.js';
