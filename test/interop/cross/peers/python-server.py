"""Apache Thrift's Python server (Debian's python3-thrift) for ThriftTest of
test/idl/fixtures/ThriftTest.thrift, and SecondService beside it when multiplexed.

    /usr/bin/python3 python-server.py --protocol binary|compact|json
        --transport buffered|framed|header|header-zlib --gen <dir of thrift --gen py> [--multiplexed]

With header (or header-zlib, the same server: the client picks the transform),
a THeaderProtocolFactory server that also takes framed and unframed binary and
compact clients, as Apache's; every reply carries the request's info headers
back as echo-<key>.

A TThreadedServer (one thread per connection, as the suite opens several at
once) on 127.0.0.1, an ephemeral port; prints `LISTENING <port>` once it
accepts connections and serves until killed.
"""
import argparse
import logging
import sys
import time

parser = argparse.ArgumentParser()
parser.add_argument('--protocol', choices=['binary', 'compact', 'json'], required=True)
parser.add_argument('--transport', choices=['buffered', 'framed', 'header', 'header-zlib'], required=True)
parser.add_argument('--gen', required=True)
parser.add_argument('--multiplexed', action='store_true')
args = parser.parse_args()
sys.path.insert(0, args.gen)

from thrift.Thrift import TException  # noqa: E402
from thrift.TMultiplexedProcessor import TMultiplexedProcessor  # noqa: E402
from thrift.protocol import TBinaryProtocol, TCompactProtocol, TJSONProtocol  # noqa: E402
from thrift.protocol.THeaderProtocol import THeaderProtocol, THeaderProtocolFactory  # noqa: E402
from thrift.transport.THeaderTransport import THeaderClientType  # noqa: E402
from thrift.server import TServer  # noqa: E402
from thrift.transport import TSocket, TTransport  # noqa: E402
from ThriftTest import SecondService, ThriftTest  # noqa: E402
from ThriftTest.ttypes import Insanity, Numberz, Xception, Xception2, Xtruct  # noqa: E402

# The generated processor logs every handler exception it turns into a
# TApplicationException; testException('TException') does that on purpose.
logging.basicConfig(level=logging.CRITICAL)


class Handler:
    """The reference semantics: the IDL's comments and test/py/TestServer.py."""

    def testVoid(self):
        pass

    def testString(self, thing):
        return thing

    def testBool(self, thing):
        return thing

    def testByte(self, thing):
        return thing

    def testI32(self, thing):
        return thing

    def testI64(self, thing):
        return thing

    def testDouble(self, thing):
        return thing

    def testBinary(self, thing):
        return thing

    def testStruct(self, thing):
        return thing

    def testNest(self, thing):
        return thing

    def testMap(self, thing):
        return thing

    def testStringMap(self, thing):
        return thing

    def testSet(self, thing):
        return thing

    def testList(self, thing):
        return thing

    def testEnum(self, thing):
        return thing

    def testTypedef(self, thing):
        return thing

    def testMapMap(self, hello):
        return {-4: {-4: -4, -3: -3, -2: -2, -1: -1}, 4: {1: 1, 2: 2, 3: 3, 4: 4}}

    def testInsanity(self, argument):
        return {1: {Numberz.TWO: argument, Numberz.THREE: argument}, 2: {Numberz.SIX: Insanity()}}

    def testMulti(self, arg0, arg1, arg2, arg3, arg4, arg5):
        return Xtruct(string_thing='Hello2', byte_thing=arg0, i32_thing=arg1, i64_thing=arg2)

    def testException(self, arg):
        if arg == 'Xception':
            raise Xception(errorCode=1001, message=arg)
        if arg == 'TException':
            raise TException(message='This is a TException')

    def testMultiException(self, arg0, arg1):
        if arg0 == 'Xception':
            raise Xception(errorCode=1001, message='This is an Xception')
        if arg0 == 'Xception2':
            raise Xception2(errorCode=2002, struct_thing=Xtruct(string_thing='This is an Xception2'))
        return Xtruct(string_thing=arg1)

    def testOneway(self, secondsToSleep):
        time.sleep(secondsToSleep)


class SecondHandler:
    def secondtestString(self, thing):
        return 'testString("%s")' % thing


class ListeningSocket(TSocket.TServerSocket):
    """Binds once, so that the port is known (and printed) before serve() runs."""

    def listen(self):
        if self.handle is None:
            super().listen()


if args.multiplexed:
    processor = TMultiplexedProcessor()
    processor.registerProcessor('ThriftTest', ThriftTest.Processor(Handler()))
    processor.registerProcessor('SecondService', SecondService.Processor(SecondHandler()))
else:
    processor = ThriftTest.Processor(Handler())

class EchoHeadersProtocol(THeaderProtocol):
    """Puts each request's info headers on its reply as echo-<key> (Python's servers echo none)."""

    def readMessageBegin(self):
        begin = super().readMessageBegin()
        for key, value in self.get_headers().items():
            self.set_header(b'echo-' + key, value)
        return begin


class EchoHeadersProtocolFactory(THeaderProtocolFactory):
    def getProtocol(self, trans):
        return EchoHeadersProtocol(trans, self.allowed_client_types, self.default_protocol)


protocol_factory = EchoHeadersProtocolFactory(allowed_client_types=(
    THeaderClientType.HEADERS, THeaderClientType.FRAMED_BINARY, THeaderClientType.UNFRAMED_BINARY,
    THeaderClientType.FRAMED_COMPACT, THeaderClientType.UNFRAMED_COMPACT,
)) if args.transport.startswith('header') else {
    'binary': TBinaryProtocol.TBinaryProtocolFactory,
    'compact': TCompactProtocol.TCompactProtocolFactory,
    'json': TJSONProtocol.TJSONProtocolFactory,
}[args.protocol]()
transport_factory = {
    'buffered': TTransport.TBufferedTransportFactory,
    'framed': TTransport.TFramedTransportFactory,
    # THeaderTransport does its own framing on the raw socket.
    'header': TTransport.TTransportFactoryBase,
    'header-zlib': TTransport.TTransportFactoryBase,
}[args.transport]()

server_socket = ListeningSocket(host='127.0.0.1', port=0)
server_socket.listen()
server = TServer.TThreadedServer(processor, server_socket, transport_factory, protocol_factory, daemon=True)
print('LISTENING %d' % server_socket.handle.getsockname()[1], flush=True)
server.serve()
