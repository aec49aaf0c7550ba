# A python3-thrift THeader client that sends one ping carrying a W3C traceparent
# info header, as a Python service instrumented with OpenTelemetry would.
# Usage: header-client.py PORT TRACEPARENT; prints the reply's message name and type.
import sys

from thrift.Thrift import TMessageType, TType
from thrift.protocol.THeaderProtocol import THeaderProtocol
from thrift.transport import TSocket
from thrift.transport.THeaderTransport import THeaderClientType

port, traceparent = int(sys.argv[1]), sys.argv[2]
proto = THeaderProtocol(TSocket.TSocket("127.0.0.1", port), [THeaderClientType.HEADERS])
proto.trans.open()
proto.trans.set_header(b"traceparent", traceparent.encode())
proto.writeMessageBegin("ping", TMessageType.CALL, 1)
proto.writeStructBegin("ping_args")
proto.writeFieldStop()
proto.writeStructEnd()
proto.writeMessageEnd()
proto.trans.flush()
name, mtype, seqid = proto.readMessageBegin()
proto.skip(TType.STRUCT)
proto.readMessageEnd()
proto.trans.close()
print(name, mtype, seqid)
