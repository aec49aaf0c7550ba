"""Apache Thrift's Python client (Debian's python3-thrift) for ThriftTest of
test/idl/fixtures/ThriftTest.thrift: runs the checks of a cases file written by
cross/peers.ts (the list of cases.ts, as tagged values) and prints one JSON line
{"passed":N,"failed":N,"total":N,"failures":[{"name","error"}],"slowestMs":N}.

    /usr/bin/python3 python-client.py --port N --protocol binary|compact|json
        --transport buffered|framed|header|header-zlib --gen <dir> --cases <file> [--multiplexed]

With header (THeaderProtocol around binary or compact; header-zlib adds the zlib
transform) every call carries the info header x-check (the check's name) and
fails unless the reply carries it back as echo-x-check, as the servers of the
suite answer.

Exits 0 whenever it could report, non-zero only if the harness itself broke.
"""
import argparse
import json
import math
import sys
import time

parser = argparse.ArgumentParser()
parser.add_argument('--port', type=int, required=True)
parser.add_argument('--protocol', choices=['binary', 'compact', 'json'], required=True)
parser.add_argument('--transport', choices=['buffered', 'framed', 'header', 'header-zlib'], required=True)
parser.add_argument('--gen', required=True)
parser.add_argument('--cases', required=True)
parser.add_argument('--multiplexed', action='store_true')
args = parser.parse_args()
sys.path.insert(0, args.gen)

from thrift.Thrift import TApplicationException  # noqa: E402
from thrift.protocol import TBinaryProtocol, TCompactProtocol, TJSONProtocol  # noqa: E402
from thrift.protocol.THeaderProtocol import THeaderProtocol  # noqa: E402
from thrift.transport.THeaderTransport import THeaderClientType, THeaderSubprotocolID, THeaderTransformID  # noqa: E402
from thrift.protocol.TMultiplexedProtocol import TMultiplexedProtocol  # noqa: E402
from thrift.transport import TSocket, TTransport  # noqa: E402
from ThriftTest import SecondService, ThriftTest, ttypes  # noqa: E402

with open(args.cases, encoding='utf-8') as f:
    spec = json.load(f)
CHECKS = spec['checks']
STRUCT_FIELDS = spec['structFields']

# A call that gets no answer fails on its own instead of hanging the run.
CALL_TIMEOUT_MS = 20000

PROTOCOLS = {
    'binary': TBinaryProtocol.TBinaryProtocol,
    'compact': TCompactProtocol.TCompactProtocol,
    'json': TJSONProtocol.TJSONProtocol,
}


HEADER = args.transport.startswith('header')
HEADER_PROTOCOLS = {'binary': THeaderSubprotocolID.BINARY, 'compact': THeaderSubprotocolID.COMPACT}


class Session:
    """One connection at a time with a client per service on it, replaced after a failed check."""

    def __init__(self):
        self.transport = None
        self.clients = None
        self.header = None

    def client(self, service):
        if self.transport is None:
            sock = TSocket.TSocket('127.0.0.1', args.port)
            sock.setTimeout(CALL_TIMEOUT_MS)
            if HEADER:
                transport = sock
                transport.open()
                proto = THeaderProtocol(sock, [THeaderClientType.HEADERS], HEADER_PROTOCOLS[args.protocol])
                if args.transport == 'header-zlib':
                    proto.add_transform(THeaderTransformID.ZLIB)
                self.header = proto
            else:
                transport = TTransport.TFramedTransport(sock) if args.transport == 'framed' else TTransport.TBufferedTransport(sock)
                transport.open()
                proto = PROTOCOLS[args.protocol](transport)
            if args.multiplexed:
                self.clients = {
                    'ThriftTest': ThriftTest.Client(TMultiplexedProtocol(proto, 'ThriftTest')),
                    'SecondService': SecondService.Client(TMultiplexedProtocol(proto, 'SecondService')),
                }
            else:
                self.clients = {'ThriftTest': ThriftTest.Client(proto)}
            self.transport = transport
        return self.clients[service]

    def close(self):
        if self.transport is not None:
            try:
                self.transport.close()
            finally:
                self.transport = None
                self.clients = None


def is_tag(v, key):
    return isinstance(v, dict) and key in v


def to_python(v):
    """The value the generated Python code takes for a tagged value."""
    if v is None or isinstance(v, (bool, int, str)):
        return v
    if isinstance(v, list):
        return [to_python(x) for x in v]
    if is_tag(v, 'i64'):
        return int(v['i64'])
    if is_tag(v, 'double'):
        return float(v['double'])
    if is_tag(v, 'bin'):
        return bytes.fromhex(v['bin'])
    if is_tag(v, 'set'):
        return set(to_python(x) for x in v['set'])
    if is_tag(v, 'map'):
        return {to_python(k): to_python(x) for k, x in v['map']}
    return getattr(ttypes, v['struct'])(**{k: to_python(x) for k, x in v['fields'].items()})


def show(v):
    text = repr(v)
    return text if len(text) <= 300 else text[:300] + '...'


def mismatch(actual, expected, path='value'):
    """Where `actual` differs from the tagged `expected`, or None when it matches exactly."""
    def differs(what):
        return '%s: expected %s, got %s' % (path, what, show(actual))

    if expected is None:
        return None if actual is None else differs('nothing')
    if isinstance(expected, bool):
        return None if actual is expected else differs(json.dumps(expected))
    if isinstance(expected, int):
        return None if type(actual) is int and actual == expected else differs('the int %d' % expected)
    if isinstance(expected, str):
        return None if type(actual) is str and actual == expected else differs(json.dumps(expected)[:80])
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return differs('a list')
        if len(actual) != len(expected):
            return differs('%d elements' % len(expected))
        for i, (a, e) in enumerate(zip(actual, expected)):
            m = mismatch(a, e, '%s[%d]' % (path, i))
            if m:
                return m
        return None
    if is_tag(expected, 'i64'):
        return None if type(actual) is int and actual == int(expected['i64']) else differs('the i64 %s' % expected['i64'])
    if is_tag(expected, 'double'):
        want = float(expected['double'])
        same = type(actual) is float and (
            (math.isnan(want) and math.isnan(actual))
            or (actual == want and math.copysign(1.0, actual) == math.copysign(1.0, want)))
        return None if same else differs('the double %s' % expected['double'])
    if is_tag(expected, 'bin'):
        if not isinstance(actual, (bytes, bytearray)):
            return differs('bytes')
        return None if bytes(actual).hex() == expected['bin'] else differs('%d bytes %s' % (len(expected['bin']) // 2, expected['bin'][:32]))
    if is_tag(expected, 'set'):
        if not isinstance(actual, (set, frozenset)):
            return differs('a set')
        if len(actual) != len(expected['set']):
            return differs('%d elements' % len(expected['set']))
        left = list(actual)
        for want in expected['set']:
            # Scalars by lookup (a set of 1,000 must not cost a million comparisons); structs by search.
            if not isinstance(want, dict) or 'struct' not in want:
                if to_python(want) not in actual:
                    return differs('an element %s' % json.dumps(want))
                continue
            at = next((i for i, x in enumerate(left) if mismatch(x, want) is None), None)
            if at is None:
                return differs('an element %s' % json.dumps(want))
            left.pop(at)
        return None
    if is_tag(expected, 'map'):
        if not isinstance(actual, dict):
            return differs('a dict')
        if len(actual) != len(expected['map']):
            return differs('%d entries' % len(expected['map']))
        for k, x in expected['map']:
            # Scalar keys by lookup, as for sets; struct keys by search.
            if not isinstance(k, dict) or 'struct' not in k:
                key = to_python(k)
                key = key if key in actual else None
            else:
                key = next((a for a in actual if mismatch(a, k) is None), None)
            if key is None:
                return differs('a key %s' % json.dumps(k))
            m = mismatch(actual[key], x, '%s[%s]' % (path, json.dumps(k)))
            if m:
                return m
        return None
    name = expected['struct']
    if type(actual) is not getattr(ttypes, name):
        return differs('an instance of %s' % name)
    for field in STRUCT_FIELDS[name]:
        m = mismatch(getattr(actual, field, None), expected['fields'].get(field), '%s.%s' % (path, field))
        if m:
            return m
    return None


class CheckFailed(Exception):
    pass


def run_call(session, c, name):
    what = '%s(%s)' % (c['method'], ', '.join(json.dumps(a) for a in c['args'])[:80])
    expect = c['expect']
    method = getattr(session.client(c['service']), c['method'])
    if session.header is not None:
        session.header.set_header(b'x-check', name.encode('utf-8'))
    try:
        run_checked(method, c, what, expect)
    finally:
        if session.header is not None:
            session.header.clear_headers()
    if session.header is not None and 'oneway' not in expect:
        got = session.header.get_headers().get(b'echo-x-check')
        if got != name.encode('utf-8'):
            raise CheckFailed('%s: the reply carried echo-x-check %r, expected %r' % (what, got, name))


def run_checked(method, c, what, expect):
    try:
        value = method(*[to_python(a) for a in c['args']])
    except TApplicationException as err:
        if 'appError' not in expect:
            raise
        if err.type != expect['appError']['type']:
            raise CheckFailed('%s: expected TApplicationException type %d, got type %s (%s)'
                              % (what, expect['appError']['type'], err.type, err.message))
        return
    except (ttypes.Xception, ttypes.Xception2) as err:
        if 'throws' not in expect:
            raise
        m = mismatch(err, expect['throws'], 'error')
        if m:
            raise CheckFailed('%s: %s' % (what, m))
        return
    if 'throws' in expect:
        raise CheckFailed('%s: expected %s, got %s' % (what, expect['throws']['struct'], show(value)))
    if 'appError' in expect:
        raise CheckFailed('%s: expected a TApplicationException, got %s' % (what, show(value)))
    if 'oneway' in expect:
        # No reply ever comes: a client that waited for one fails on its socket timeout.
        if value is not None:
            raise CheckFailed('%s: a oneway call returned %s' % (what, show(value)))
        return
    m = mismatch(value, expect['returns'])
    if m:
        raise CheckFailed('%s: %s' % (what, m))


def main():
    session = Session()
    failures = []
    slowest = 0.0
    for check in CHECKS:
        try:
            for c in check['calls']:
                started = time.monotonic()
                try:
                    run_call(session, c, check['name'])
                finally:
                    slowest = max(slowest, time.monotonic() - started)
        except Exception as err:
            failures.append({'name': check['name'], 'error': '%s: %s' % (type(err).__name__, err)})
            try:
                session.close()
            except Exception:
                pass
    session.close()
    passed = len(CHECKS) - len(failures)
    print(json.dumps({'passed': passed, 'failed': len(failures), 'total': len(CHECKS), 'failures': failures,
                      'slowestMs': round(slowest * 1000)}), flush=True)


main()
