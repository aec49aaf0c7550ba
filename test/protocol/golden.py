"""Writes golden messages with Apache's Python library (Debian python3-thrift) for test/fixtures/echo.thrift.

Usage: /usr/bin/python3 golden.py <dir with `thrift --gen py` output>
Prints one JSON object: case name -> hex of the message bytes.
"""
import json
import sys

sys.path.insert(0, sys.argv[1])

from thrift.protocol import TBinaryProtocol, TCompactProtocol  # noqa: E402
from thrift.Thrift import TMessageType  # noqa: E402
from thrift.transport import TTransport  # noqa: E402
from echo import Echo  # noqa: E402
from echo.ttypes import Bag, Color, NotFound, Point  # noqa: E402


def message(name, mtype, seqid, body, strict=True, compact=False):
    buf = TTransport.TMemoryBuffer()
    if compact:
        proto = TCompactProtocol.TCompactProtocol(buf)
    else:
        proto = TBinaryProtocol.TBinaryProtocol(buf, strictRead=False, strictWrite=strict)
    proto.writeMessageBegin(name, mtype, seqid)
    body.write(proto)
    proto.writeMessageEnd()
    return buf.getvalue().hex()


bag = Bag(
    b=True, y=-7, s16=-300, s32=123456789, s64=-9223372036854775808, d=3.25, str=u"h\u00e9llo \u2713",
    bin=bytes(range(256)),
    points=[Point(x=1, y=2), Point(x=-1, y=-2, label=u"p", color=Color.BLUE)],
    tags={u"only"},
    index={u"k": [1, 2, 3]},
    byId={7: Point(x=7, y=7)},
    nested=[[1, 2], [], [3]],
    origin=Point(x=0, y=0),
)

cases = {
    "echoBag_call": message("echoBag", TMessageType.CALL, 1, Echo.echoBag_args(v=bag)),
    "echoBag_reply": message("echoBag", TMessageType.REPLY, 2, Echo.echoBag_result(success=bag)),
    "add_call_nonstrict": message("add", TMessageType.CALL, 3, Echo.add_args(a=-5, b=2 ** 40), strict=False),
    "find_notfound_reply": message("find", TMessageType.REPLY, 4, Echo.find_result(notFound=NotFound(message=u"gone", code=404))),
    "ping_call": message("ping", TMessageType.CALL, 2147483647, Echo.ping_args()),
    "notify_oneway": message("notify", TMessageType.ONEWAY, 5, Echo.notify_args(event=u"e")),
}
compact_cases = {
    "compact:echoBag_call": message("echoBag", TMessageType.CALL, 1, Echo.echoBag_args(v=bag), compact=True),
    "compact:echoBag_reply": message("echoBag", TMessageType.REPLY, 2, Echo.echoBag_result(success=bag), compact=True),
    "compact:add_call": message("add", TMessageType.CALL, 3, Echo.add_args(a=-5, b=2 ** 40), compact=True),
    "compact:find_notfound_reply": message("find", TMessageType.REPLY, 4, Echo.find_result(notFound=NotFound(message=u"gone", code=404)), compact=True),
    "compact:ping_call": message("ping", TMessageType.CALL, 2147483647, Echo.ping_args(), compact=True),
    "compact:notify_oneway": message("notify", TMessageType.ONEWAY, 5, Echo.notify_args(event=u"e"), compact=True),
    "compact:echoBool_false": message("echoBool", TMessageType.CALL, 6, Echo.echoBool_args(v=False), compact=True),
    "compact:echoI64_min": message("echoI64", TMessageType.CALL, 7, Echo.echoI64_args(v=-2 ** 63), compact=True),
    "compact:echoI64_max": message("echoI64", TMessageType.CALL, 8, Echo.echoI64_args(v=2 ** 63 - 1), compact=True),
    "compact:echoList_long": message("echoList", TMessageType.CALL, 9, Echo.echoList_args(v=list(range(-20, 20))), compact=True),
    "compact:echoString_long": message("echoString", TMessageType.CALL, 10, Echo.echoString_args(v=u"\u00e9" * 300), compact=True),
}
cases.update(compact_cases)
print(json.dumps(cases))
