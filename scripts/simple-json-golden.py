"""Golden TSimpleJSONProtocol bytes from Apache's Python library (Debian python3-thrift).

Compiles /work/shared/thrift/ThriftTest.thrift (or the file given) with `thrift --gen py`
into a temporary directory, writes one value of every ThriftTest struct with
TSimpleJSONProtocol, and stores the bytes as text in
test/protocol/fixtures/simple-json-golden.json (case name -> JSON text), which
test/protocol/simple-json-golden.test.ts compares against, byte for byte.

Usage: /usr/bin/python3 scripts/simple-json-golden.py [ThriftTest.thrift [output.json]]
The test builds the same values under the same case names: change both together.
Sets hold ints or one element only, so Python's set order is the order written.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
IDL = sys.argv[1] if len(sys.argv) > 1 else '/work/shared/thrift/ThriftTest.thrift'
OUT = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, '..', 'test', 'protocol', 'fixtures', 'simple-json-golden.json')

tmp = tempfile.mkdtemp(prefix='simple-json-golden-')
subprocess.run(['thrift', '--gen', 'py', '-out', tmp, IDL], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
sys.path.insert(0, tmp)

from thrift.protocol import TJSONProtocol  # noqa: E402
from thrift.transport import TTransport  # noqa: E402
from ThriftTest.ttypes import (  # noqa: E402
    Bonk, Bools, BoolTest, CrazyNesting, EmptyStruct, GuessProtocolStruct, Insanity, LargeDeltas, ListBonks,
    ListTypeVersioningV1, ListTypeVersioningV2, NestedListsBonk, NestedListsI32x2, NestedListsI32x3, NestedMixedx2,
    Numberz, OneField, OptionalBinary, OptionalSetDefaultTest, SomeUnion, StructA, StructB, VersioningTestV1,
    VersioningTestV2, Xception, Xception2, Xtruct, Xtruct2, Xtruct3,
)


def simple(value):
    buf = TTransport.TMemoryBuffer()
    value.write(TJSONProtocol.TSimpleJSONProtocol(buf))
    return buf.getvalue().decode('utf-8')


TEXT = u'Z\u00e9"\\\n\t\r\b\f/ \u2713 \U0001d11e'
xtruct = Xtruct(string_thing=TEXT, byte_thing=-128, i32_thing=-2147483648, i64_thing=1152921504606846976)
bonk = Bonk(message=u'bonk', type=7)

cases = {
    'Xtruct': xtruct,
    'Xtruct.i64max': Xtruct(string_thing=u'', byte_thing=127, i32_thing=2147483647, i64_thing=9223372036854775807),
    'Xtruct.i64min': Xtruct(i64_thing=-9223372036854775808),
    'Xtruct.unset': Xtruct(),
    'Xtruct2': Xtruct2(byte_thing=1, struct_thing=xtruct, i32_thing=3),
    'Xtruct3': Xtruct3(string_thing=u'x', changed=-1, i32_thing=0, i64_thing=-9007199254740993),
    'Insanity': Insanity(userMap={Numberz.FIVE: 5, Numberz.EIGHT: -9223372036854775808}, xtructs=[xtruct, Xtruct(string_thing=u'')]),
    'Insanity.empty': Insanity(userMap={}, xtructs=[]),
    'CrazyNesting': CrazyNesting(string_field=u'crazy', set_field={Insanity()}, list_field=[{}], binary_field=b'\x00\x01\xfe\xff'),
    'Bonk': bonk,
    'Bools': Bools(im_true=True, im_false=False),
    'BoolTest': BoolTest(),
    'SomeUnion.map': SomeUnion(map_thing={Numberz.ONE: 1, Numberz.TWO: 2}),
    'SomeUnion.xtruct': SomeUnion(xtruct_thing=Xtruct3(string_thing=u'u', changed=1, i32_thing=2, i64_thing=3)),
    'Xception': Xception(errorCode=1001, message=u'Xception'),
    'Xception2': Xception2(errorCode=2002, struct_thing=Xtruct(string_thing=u'This is an Xception2')),
    'EmptyStruct': EmptyStruct(),
    'OneField': OneField(field=EmptyStruct()),
    'VersioningTestV1': VersioningTestV1(begin_in_both=1, old_string=u'old', end_in_both=12),
    'VersioningTestV2': VersioningTestV2(
        begin_in_both=1, newint=2, newbyte=3, newshort=-4, newlong=5, newdouble=6.5, newstruct=bonk,
        newlist=[1, 2, 3], newset={1, 2, 3}, newmap={1: -1, -2: 2}, newstring=u'new', end_in_both=12),
    'ListTypeVersioningV1': ListTypeVersioningV1(myints=[0, -1, 2147483647], hello=u'hello'),
    'ListTypeVersioningV2': ListTypeVersioningV2(strings=[u'a', u'', u'\u00e9'], hello=u'hello'),
    'GuessProtocolStruct': GuessProtocolStruct(map_field={u'a': u'b', u'\u00e9': u'"'}),
    'LargeDeltas': LargeDeltas(b1=Bools(im_true=True), check_true=True, b1000=Bools(), check_false=False,
                               a_set2500={u'set'}, big_numbers=[2147483647, -2147483648]),
    'NestedListsI32x2': NestedListsI32x2(integerlist=[[1, 2], [], [3]]),
    'NestedListsI32x3': NestedListsI32x3(integerlist=[[[1], []], [[2, 3]]]),
    'NestedMixedx2': NestedMixedx2(int_set_list=[{1, 2}, set()], map_int_strset={1: {u'a'}, -2: set()},
                                   map_int_strset_list=[{3: {u'b'}}, {}]),
    'ListBonks': ListBonks(bonk=[bonk, Bonk()]),
    'NestedListsBonk': NestedListsBonk(bonk=[[[bonk], []], []]),
    'StructA': StructA(s=u'a'),
    'StructB': StructB(aa=StructA(s=u'a'), ab=StructA(s=u'b')),
    'OptionalSetDefaultTest': OptionalSetDefaultTest(),
    'OptionalBinary': OptionalBinary(bin_set={b'\x00\xff'}, bin_map={b'ab': 1}),
}
# Doubles as Python's str(float) spells them: integral values, exponents both ways, the extremes.
DOUBLES = [1.0, -2.5, 0.1, 1e+300, -0.0, 0.0, 1.5e-07, 123456789.125, 1e16, 1e15, 0.0001, 1e-05,
           5e-324, 1.7976931348623157e+308, 2 ** 53 + 2.0, 9007199254740993.0, 1 / 3]
for i, d in enumerate(DOUBLES):
    cases['VersioningTestV2.double%d' % i] = VersioningTestV2(newdouble=d)

golden = {name: simple(value) for name, value in cases.items()}
golden['$doubles'] = [repr(d) for d in DOUBLES]
with open(OUT, 'w', encoding='utf-8') as f:
    json.dump(golden, f, ensure_ascii=False, indent=1, sort_keys=True)
    f.write('\n')
shutil.rmtree(tmp, ignore_errors=True)
print('wrote %d cases to %s' % (len(cases), os.path.relpath(OUT)))
