"""The same PingPong service on Apache's Python library (python3-thrift), for the example's test:
   python3 py_server.py <gen-py dir>   prints LISTENING <port> and serves until killed."""
import sys

sys.path.insert(0, sys.argv[1])
from pingpong import PingPong  # noqa: E402
from thrift.protocol import TBinaryProtocol  # noqa: E402
from thrift.server import TServer  # noqa: E402
from thrift.transport import TSocket, TTransport  # noqa: E402


class Dispatcher:
    def ping(self):
        return "pong"

    def add(self, a, b):
        return a + b


socket = TSocket.TServerSocket(host="127.0.0.1", port=0)
socket.listen()
socket.listen = lambda: None  # serve() listens again, which would bind a new ephemeral port
server = TServer.TThreadedServer(
    PingPong.Processor(Dispatcher()), socket, TTransport.TBufferedTransportFactory(), TBinaryProtocol.TBinaryProtocolFactory()
)
server.daemon = True
print("LISTENING %d" % socket.handle.getsockname()[1], flush=True)
server.serve()
