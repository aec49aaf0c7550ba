"""Apache's Python TZlibTransport as a peer: `server` answers Echo over zlib+binary, `client PORT` calls ours.

Run with Debian's /usr/bin/python3 (python3-thrift) and the code `thrift --gen py` made from
test/fixtures/echo.thrift in the directory given as the first argument.
"""
import json
import sys

sys.path.insert(0, sys.argv[1])
from echo import Echo  # noqa: E402
from echo.ttypes import Point  # noqa: E402
from thrift.protocol import TBinaryProtocol  # noqa: E402
from thrift.transport import TSocket, TTransport, TZlibTransport  # noqa: E402


class Handler:
    def echoString(self, v):
        return v

    def echoI32(self, v):
        return v

    def add(self, a, b):
        return a + b

    def echoPoint(self, v):
        return v

    def version(self):
        return 'python-zlib'


def serve():
    server = TSocket.TServerSocket(host='127.0.0.1', port=0)
    server.listen()
    print('LISTENING', server.handle.getsockname()[1], flush=True)
    processor = Echo.Processor(Handler())
    while True:
        client = server.accept()
        trans = TZlibTransport.TZlibTransport(client)
        prot = TBinaryProtocol.TBinaryProtocol(trans)
        try:
            while True:
                processor.process(prot, prot)
        except TTransport.TTransportException:
            pass
        client.close()


def call(port):
    sock = TSocket.TSocket('127.0.0.1', port)
    trans = TZlibTransport.TZlibTransport(sock)
    prot = TBinaryProtocol.TBinaryProtocol(trans)
    client = Echo.Client(prot)
    trans.open()
    big = 'thrift ' * 20000
    out = {
        'version': client.version(),
        'string': client.echoString('über zlib'),
        'add': client.add(40, 2),
        'big': client.echoString(big) == big,
        'point': client.echoPoint(Point(x=3, y=4)).x,
    }
    ratio = trans.getCompRatio()
    # bytes_in counts wire bytes and bytes_in_comp inflated ones, so what we sent compressed shows above 1.
    out['compressed'] = ratio[0] is not None and ratio[0] > 2
    trans.close()
    print(json.dumps(out), flush=True)


if __name__ == '__main__':
    if sys.argv[2] == 'server':
        serve()
    else:
        call(int(sys.argv[3]))
