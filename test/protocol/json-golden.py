"""Golden TJSONProtocol messages from Apache's Python library (Debian python3-thrift) for test/fixtures/echo.thrift.

Usage:
  /usr/bin/python3 json-golden.py <gen-py dir>
      Prints one JSON object: case name -> the message bytes as hex.
  /usr/bin/python3 json-golden.py <gen-py dir> reencode
      Reads a JSON list of hex messages (calls to Echo functions) from stdin, decodes
      each with TJSONProtocol and writes it again; prints the list of hex results.
"""
import json
import sys

sys.path.insert(0, sys.argv[1])

from thrift.protocol import TJSONProtocol  # noqa: E402
from thrift.Thrift import TApplicationException, TMessageType  # noqa: E402
from thrift.transport import TTransport  # noqa: E402
from echo import Echo  # noqa: E402
from echo.ttypes import Bag, Color, NotFound, Point  # noqa: E402


def message(name, mtype, seqid, body):
    buf = TTransport.TMemoryBuffer()
    proto = TJSONProtocol.TJSONProtocol(buf)
    proto.writeMessageBegin(name, mtype, seqid)
    body.write(proto)
    proto.writeMessageEnd()
    return buf.getvalue().hex()


def reencode(hexes):
    out = []
    for h in hexes:
        proto = TJSONProtocol.TJSONProtocol(TTransport.TMemoryBuffer(bytes.fromhex(h)))
        name, mtype, seqid = proto.readMessageBegin()
        args = getattr(Echo, name + '_args')()
        args.read(proto)
        proto.readMessageEnd()
        out.append(message(name, mtype, seqid, args))
    return out


if len(sys.argv) > 2 and sys.argv[2] == 'reencode':
    print(json.dumps(reencode(json.load(sys.stdin))))
    sys.exit(0)

bag = Bag(
    b=True, y=-7, s16=-300, s32=123456789, s64=-9223372036854775808, d=3.25, str=u"h\u00e9llo \u2713 \U0001d11e",
    bin=bytes(range(256)),
    points=[Point(x=1, y=2), Point(x=-1, y=-2, label=u"p", color=Color.BLUE)],
    tags={u"only"},
    index={u"k": [1, 2, 3], u"empty": []},
    byId={7: Point(x=7, y=7), -1: Point(x=0, y=0)},
    nested=[[1, 2], [], [3]],
    origin=Point(x=0, y=0),
)


def call(fn, seqid, **kw):
    return message(fn, TMessageType.CALL, seqid, getattr(Echo, fn + '_args')(**kw))


# Cases whose bytes ours must equal.
cases = {
    "echoBag_call": call("echoBag", 1, v=bag),
    "echoBag_reply": message("echoBag", TMessageType.REPLY, 2, Echo.echoBag_result(success=bag)),
    "add_call": call("add", 3, a=-5, b=2 ** 40),
    "find_notfound_reply": message("find", TMessageType.REPLY, 4, Echo.find_result(notFound=NotFound(message=u"gone", code=404))),
    "ping_call": message("ping", TMessageType.CALL, 2147483647, Echo.ping_args()),
    "notify_oneway": message("notify", TMessageType.ONEWAY, 5, Echo.notify_args(event=u"e")),
    "app_exception": message("nope", TMessageType.EXCEPTION, 6, TApplicationException(TApplicationException.UNKNOWN_METHOD, u"Unknown function nope")),
    "echoBool_false": call("echoBool", 7, v=False),
    "echoByte_min": call("echoByte", 8, v=-128),
    "echoI16_min": call("echoI16", 9, v=-32768),
    "echoI32_min": call("echoI32", -2147483648, v=-2147483648),
    "echoI64_min": call("echoI64", 10, v=-2 ** 63),
    "echoI64_max": call("echoI64", 11, v=2 ** 63 - 1),
    "echoI64_2p53": call("echoI64", 12, v=2 ** 53 + 1),
    "echoDouble_exact": call("echoDouble", 13, v=-0.5),
    "echoDouble_zero": call("echoDouble", 14, v=0.0),
    "echoDouble_neg_zero": call("echoDouble", 15, v=-0.0),
    "echoDouble_int": call("echoDouble", 16, v=1024.0),
    "echoString_empty": call("echoString", 17, v=u""),
    "echoString_escapes": call("echoString", 18, v=u"\"\\/\b\f\n\r\t end"),
    "echoString_unicode": call("echoString", 19, v=u"\u00e9\u4e2d\u6587 \U0001d11e \U0001f600 \u007f"),
    "echoString_long": call("echoString", 20, v=u"\u00e9" * 300),
    "echoBinary_empty": call("echoBinary", 21, v=b""),
    "echoBinary_one": call("echoBinary", 22, v=b"\xff"),
    "echoBinary_two": call("echoBinary", 23, v=b"\x00\xfe"),
    "echoList_long": call("echoList", 24, v=list(range(-20, 20))),
    "echoList_empty": call("echoList", 25, v=[]),
    "echoMap": call("echoMap", 26, v={u"one": 1, u"two": 2, u"": -3}),
    "echoEnum": call("echoEnum", 27, v=Color.BLUE),
    "echoPoint_label": call("echoPoint", 28, v=Point(x=1, y=2, label=u"l")),
}

# Cases Python writes differently from us (17 significant digits for doubles, raw
# control characters, hash-ordered sets): we only check that we read them right.
decode_cases = {
    "decode:echoDouble_tenth": call("echoDouble", 30, v=0.1),
    "decode:echoDouble_tiny": call("echoDouble", 31, v=1e-300),
    "decode:echoDouble_max": call("echoDouble", 32, v=1.7976931348623157e308),
    "decode:echoDouble_denormal": call("echoDouble", 33, v=5e-324),
    "decode:echoDouble_big": call("echoDouble", 34, v=1e21),
    "decode:echoDouble_third": call("echoDouble", 35, v=1.0 / 3),
    "decode:echoString_controls": call("echoString", 36, v=u"\x00\x01\x1f\x7f"),
    "decode:echoSet": call("echoSet", 37, v={u"a", u"b", u"c", u"d"}),
}
cases.update(decode_cases)
print(json.dumps(cases))
