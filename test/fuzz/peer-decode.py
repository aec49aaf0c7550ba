"""Decodes messages with Apache's Python library (Debian python3-thrift), no generated code:
a generic walk by wire type, so any message shape can be checked.

Usage: /usr/bin/python3 peer-decode.py < lines of "<binary|compact> <hex>"
Prints one JSON line per input line: [name, type, seqid, struct] in the canonical form below,
or {"error": "..."} when the library refuses the bytes.
Canonical values: bool -> true/false; byte, i16, i32 -> int; i64 -> decimal string;
double -> hex of its 8 big-endian IEEE bytes; string -> str; struct -> [[id, type, value], ...];
list, set -> [elemType, [values]]; map -> [keyType, valueType, [[k, v], ...]].
"""
import json
import struct
import sys

from thrift.protocol import TBinaryProtocol, TCompactProtocol
from thrift.Thrift import TType
from thrift.transport import TTransport


def value(p, t):
    if t == TType.BOOL:
        return p.readBool()
    if t == TType.BYTE:
        return p.readByte()
    if t == TType.I16:
        return p.readI16()
    if t == TType.I32:
        return p.readI32()
    if t == TType.I64:
        return str(p.readI64())
    if t == TType.DOUBLE:
        return struct.pack('>d', p.readDouble()).hex()
    if t == TType.STRING:
        return p.readString()
    if t == TType.STRUCT:
        return struct_(p)
    if t == TType.MAP:
        kt, vt, n = p.readMapBegin()
        entries = [[value(p, kt), value(p, vt)] for _ in range(n)]
        p.readMapEnd()
        return [kt, vt, entries]
    if t in (TType.LIST, TType.SET):
        et, n = p.readListBegin() if t == TType.LIST else p.readSetBegin()
        items = [value(p, et) for _ in range(n)]
        p.readListEnd() if t == TType.LIST else p.readSetEnd()
        return [et, items]
    raise ValueError('unexpected wire type %d' % t)


def struct_(p):
    p.readStructBegin()
    fields = []
    while True:
        _, t, fid = p.readFieldBegin()
        if t == TType.STOP:
            break
        fields.append([fid, t, value(p, t)])
        p.readFieldEnd()
    p.readStructEnd()
    return fields


for line in sys.stdin:
    kind, hexbytes = line.split()
    data = bytes.fromhex(hexbytes)
    buf = TTransport.TMemoryBuffer(data)
    if kind == 'compact':
        proto = TCompactProtocol.TCompactProtocol(buf)
    else:
        proto = TBinaryProtocol.TBinaryProtocol(buf, strictRead=True)
    try:
        name, mtype, seqid = proto.readMessageBegin()
        body = struct_(proto)
        proto.readMessageEnd()
        rest = len(data) - buf._buffer.tell()
        out = [name, mtype, seqid, body] if rest == 0 else {'error': '%d bytes left after the message' % rest}
    except Exception as e:  # noqa: BLE001 - any refusal is reported, not raised
        out = {'error': '%s: %s' % (type(e).__name__, e)}
    sys.stdout.write(json.dumps(out) + '\n')
