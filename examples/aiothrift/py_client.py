"""Apache's Python client (python3-thrift) calling the PingPong example server:
   python3 py_client.py <gen-py dir> <port>   prints one line per reply."""
import sys

sys.path.insert(0, sys.argv[1])
from pingpong import PingPong  # noqa: E402
from thrift.protocol import TBinaryProtocol  # noqa: E402
from thrift.transport import TSocket, TTransport  # noqa: E402

transport = TTransport.TBufferedTransport(TSocket.TSocket("127.0.0.1", int(sys.argv[2])))
client = PingPong.Client(TBinaryProtocol.TBinaryProtocol(transport))
transport.open()
print(client.ping())
print(client.add(5, 6))
for i in range(3):
    print(client.add(i, 10))
print(client.ping())
transport.close()
