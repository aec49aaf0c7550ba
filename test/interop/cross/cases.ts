/**
 * The checks every ThriftTest client of the cross suite runs (ours, Python's,
 * Apache Node's), as language-neutral data: arguments and expectations are
 * tagged values, so that each client builds its own native values from the same
 * list and the pass counts of the matrix compare like with like. The list
 * follows Apache's own ThriftTest clients (test/py/TestClient.py,
 * lib/nodejs/test/test-cases.js and test_driver.js, test/cpp/src/TestClient.cpp)
 * and the semantics the comments of test/idl/fixtures/ThriftTest.thrift document, with
 * more edge values.
 */

/**
 * A value in transit. Plain JSON numbers are integers of the types i8, i16, i32
 * and enums; every other kind carries a tag: i64 as decimal text, double as the
 * text a parser turns back into the same double ('-0', 'NaN', 'Infinity' included),
 * binary as hex, sets and maps (whose order means nothing) as entry lists, and
 * structs and exceptions by IDL name.
 */
export type Tagged =
  | null
  | boolean
  | number
  | string
  | Tagged[]
  | { i64: string }
  | { double: string }
  | { bin: string }
  | { set: Tagged[] }
  | { map: [Tagged, Tagged][] }
  | TaggedStruct;

/** A struct or exception of test/idl/fixtures/ThriftTest.thrift; a field left out must arrive unset. */
export interface TaggedStruct {
  struct: string;
  fields: Record<string, Tagged>;
}

/** What a call must do. */
export type Expect =
  | { returns: Tagged }
  | { throws: TaggedStruct }
  /** A TApplicationException of this type (doc/specs/thrift-rpc.md). */
  | { appError: { type: number } }
  /**
   * A oneway call: it settles with nothing, without waiting for the server's
   * handler. No clock decides that: our server's handler finishes only once the
   * check's next call has arrived (handler.ts), so a client that waited for it
   * would never send that call and would fail on its own call timeout.
   */
  | { oneway: true };

/** One call of a check. */
export interface Call {
  service: 'ThriftTest' | 'SecondService';
  method: string;
  args: Tagged[];
  expect: Expect;
}

/** A named check: its calls run in order, on one connection per service. */
export interface Check {
  name: string;
  calls: Call[];
}

/** The peers of the suite. */
export type PeerName = 'python' | 'node';
/** Whose server answers: it decides the TApplicationException type to expect. */
export type ServerKind = 'thrift-streams' | PeerName;
/** Protocols of the matrix. */
export type ProtocolName = 'binary' | 'compact' | 'json';
/** Transports of the matrix: THeader (binary or compact inside) with and without the zlib transform. */
export type TransportName = 'buffered' | 'framed' | 'header' | 'header-zlib';

/** Where a list of checks runs: it decides which documented peer quirks apply. */
export interface CellContext {
  peer: PeerName;
  protocol: ProtocolName;
  server: ServerKind;
  multiplexed: boolean;
}

/** The checks of one cell, and those left out there because of a documented peer defect. */
export interface CellChecks {
  checks: Check[];
  excluded: { name: string; why: string }[];
}

/**
 * The type of the TApplicationException each server sends when a handler fails
 * with an undeclared error (testException('TException')):
 * - thrift-streams: INTERNAL_ERROR (6).
 * - python: INTERNAL_ERROR (6); the generated processor (`thrift --gen py`,
 *   process_testException) answers any other exception with
 *   TApplicationException(INTERNAL_ERROR, 'Internal error').
 * - node: UNKNOWN (0); the generated processor builds
 *   TApplicationException(UNKNOWN, err.message).
 */
export const APP_ERROR_TYPE: Record<ServerKind, number> = { 'thrift-streams': 6, python: 6, node: 0 };

/**
 * The testI32 argument that lets our server's testOneway(seconds) handler finish
 * (handler.ts). Each peer's client passes its own seconds (ONEWAY_SECONDS), so on
 * a server shared by both peers' clients one client's call never lets the other's
 * handler finish; no echo check sends these values.
 */
export function onewayRelease(seconds: number): number {
  return -1000 - seconds;
}

/** What each peer's client passes to testOneway; Python's server really sleeps that long, Node's returns at once. */
const ONEWAY_SECONDS: Record<PeerName, number> = { python: 1, node: 2 };

// ---------------------------------------------------------------------------
// Building tagged values

const i64 = (v: bigint | number): Tagged => ({ i64: String(v) });
const dbl = (v: number): Tagged => ({ double: Object.is(v, -0) ? '-0' : String(v) });
const bin = (bytes: Iterable<number>): Tagged => ({ bin: Buffer.from([...bytes]).toString('hex') });
const set = (items: Tagged[]): Tagged => ({ set: items });
const map = (entries: [Tagged, Tagged][]): Tagged => ({ map: entries });
const struct = (name: string, fields: Record<string, Tagged>): TaggedStruct => ({ struct: name, fields });

const xtruct = (string_thing: string, byte_thing: number, i32_thing: number, i64_thing: bigint | number) =>
  struct('Xtruct', { string_thing, byte_thing, i32_thing, i64_thing: i64(i64_thing) });

const I32_MAX = 2 ** 31 - 1;
const I32_MIN = -(2 ** 31);
const I64_MAX = 2n ** 63n - 1n;
const I64_MIN = -(2n ** 63n);
/** Numberz of test/idl/fixtures/ThriftTest.thrift. */
const Numberz = { ONE: 1, TWO: 2, THREE: 3, FIVE: 5, SIX: 6, EIGHT: 8 } as const;

// Strings that stress each protocol's string path: every script width of UTF-8,
// code points outside the BMP (surrogate pairs in TJSONProtocol's \u escapes),
// the characters JSON must escape, and the control characters it escapes as \u00XX.
const MANY_SCRIPTS =
  'Grüße aus Köln, Ça va? Привет, мир! Γειά σου κόσμε. مرحبا بالعالم. שלום עולם. नमस्ते दुनिया. ' +
  'こんにちは世界。你好，世界。안녕하세요 세계. สวัสดีชาวโลก. Բարեւ աշխարհ. გამარჯობა მსოფლიო.';
const ASTRAL = 'clef 𝄞, emoji 😀🎉, CJK extension B 𠀋, a lone flag 🇺🇳';
const JSON_SPECIALS = 'quote " backslash \\ slash / and all of them "\\/" then ]] }} {{ [[ , : ; \' and the end';
const CONTROLS = 'tab\tnewline\nreturn\rbackspace\bformfeed\fnul\u0000unit separator\u001fdelete\u007f';

// ---------------------------------------------------------------------------
// Definitions, with the documented quirks of the peers

/** A documented defect of a peer library, proved by evidence in the comment where the rule is used. */
interface Quirk {
  peer: PeerName;
  /** Only under this protocol; every protocol when absent. */
  protocol?: ProtocolName;
  why: string;
  /** The check cannot pass against this peer: it is listed as excluded, not run. */
  exclude?: true;
  /** What the peer makes of the check's single call instead. */
  expect?: Expect;
}

interface CheckDef extends Check {
  /** The calls of the cell, when they depend on it (`calls` is then the python cell's). */
  callsFor?: (cell: CellContext) => Call[];
  /** Runs only when the server is multiplexed (SecondService is not served otherwise). */
  multiplexedOnly?: true;
  quirks?: Quirk[];
}

function call(method: string, args: Tagged[], expect: Expect, service: Call['service'] = 'ThriftTest'): Call {
  return { service, method, args, expect };
}
/** A check of one call that must return `returns`. */
function returns(name: string, method: string, args: Tagged[], value: Tagged, quirks?: Quirk[]): CheckDef {
  return { name, calls: [call(method, args, { returns: value })], quirks };
}
/** A check of one call that must return its only argument unchanged. */
function echo(name: string, method: string, value: Tagged, quirks?: Quirk[]): CheckDef {
  return returns(name, method, [value], value, quirks);
}

/**
 * Apache's Node library cannot write a negative zero: its binary and compact
 * writeDouble set the sign bit with `v < 0 ? 0x80 : 0x00`, false for -0
 * (lib/thrift/binary.js, compact_protocol.js), and its TJSONProtocol writes
 * the JavaScript number, whose text for -0 is `0`.
 */
const NODE_NEGATIVE_ZERO: Quirk = {
  peer: 'node',
  why: "Apache's Node library writes -0.0 as +0.0",
  expect: { returns: dbl(0) },
};
/**
 * Debian's python3-thrift 0.17 TJSONProtocol cannot carry NaN or infinities: it
 * reads the quoted "NaN" of the spec, but writeDouble formats with
 * '{0:.17g}' and writes them bare (`["dbl",1,nan]`, `inf`, `-inf`), which no
 * reader accepts, its own included ("Bad data encounted in numeric data").
 * Every direction fails: whichever side reads Python's echo.
 */
const pythonJsonSpecialDouble = (what: string): Quirk => ({
  peer: 'python',
  protocol: 'json',
  exclude: true,
  why: `Debian's Python TJSONProtocol writes ${what} bare (nan, inf), which no JSON reader takes`,
});

/**
 * Apache's Node TJSONProtocol writes a double as the bare JavaScript number
 * (`this.tstack.push(dub)`, later joined as text): NaN and the infinities come
 * out as `{"dbl":NaN}`, `{"dbl":Infinity}`, which no JSON reader takes, Node's
 * own included (its client against its own server loses the connection).
 */
const nodeJsonSpecialDouble = (what: string): Quirk => ({
  peer: 'node',
  protocol: 'json',
  exclude: true,
  why: `Apache's Node TJSONProtocol writes ${what} bare, which no JSON reader takes`,
});

function definitions(): CheckDef[] {
  const allBytes = Array.from({ length: 256 }, (_, i) => i);
  const big = Array.from({ length: 100_000 }, (_, i) => (i * 131 + 17) & 0xff);
  const crazy = struct('Insanity', {
    userMap: map([
      [Numberz.FIVE, i64(5)],
      [Numberz.EIGHT, i64(8)],
    ]),
    xtructs: [xtruct('Goodbye4', 4, 4, 4), xtruct('Hello2', 2, 2, 2)],
  });
  const emptyInsanity = struct('Insanity', { userMap: map([]), xtructs: [] });
  /** testInsanity's documented answer for `arg`: { 1 => { TWO => arg, THREE => arg }, 2 => { SIX => <empty Insanity> } }. */
  const insane = (arg: TaggedStruct): Tagged =>
    map([
      [i64(1), map([[Numberz.TWO, arg], [Numberz.THREE, arg]])],
      [i64(2), map([[Numberz.SIX, struct('Insanity', {})]])],
    ]);
  const mapMap = map([
    [-4, map([[-4, -4], [-3, -3], [-2, -2], [-1, -1]])],
    [4, map([[1, 1], [2, 2], [3, 3], [4, 4]])],
  ]);

  return [
    returns('testVoid returns nothing', 'testVoid', [], null),

    echo('testString: a short string', 'testString', 'Test'),
    echo('testString: the empty string', 'testString', ''),
    echo('testString: 120 characters', 'testString', 'Python'.repeat(20)),
    echo('testString: many scripts', 'testString', MANY_SCRIPTS),
    echo('testString: code points outside the BMP', 'testString', ASTRAL),
    echo('testString: characters JSON escapes', 'testString', JSON_SPECIALS),
    echo('testString: control characters and NUL', 'testString', CONTROLS),
    echo('testString: 70,000 characters', 'testString', 'abcdefghij'.repeat(7000)),

    echo('testBool: true', 'testBool', true),
    echo('testBool: false', 'testBool', false),

    ...[1, 0, -1, 63, -127, 127, -128].map((v) => echo(`testByte: ${v}`, 'testByte', v)),
    ...[-1, 0, 1, 65536, I32_MAX, I32_MIN].map((v) => echo(`testI32: ${v}`, 'testI32', v)),
    // Apache's Node TJSONProtocol writes every i64 from -1 down to -(10^11 - 1)
    // zero-padded (-1 as -000000000001: Int64Util.toDecimalString's test for a
    // small negative value, `!~b[o]`, can never hold), so these also prove that
    // thrift-streams reads that form, as Python and Node do.
    ...[
      0n, 1n, -1n, 5n, -5n, 734359738368n, -734359738368n, -34359738368n,
      2n ** 32n, 2n ** 53n + 1n, -(2n ** 53n) - 1n, I64_MAX, I64_MIN,
    ].map((v) => echo(`testI64: ${v}`, 'testI64', i64(v))),

    ...[
      0, -1, 1, -5.235098235, -5.2098523, 7.012052175215044, -0.000341012439638598279, 0.1,
      2 ** 53, 1e300, 1e-300, 5e-324, Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE * 2 ** 52,
    ].map((v) => echo(`testDouble: ${v}`, 'testDouble', dbl(v))),
    echo('testDouble: -0.0 keeps its sign', 'testDouble', dbl(-0), [NODE_NEGATIVE_ZERO]),
    echo('testDouble: NaN', 'testDouble', dbl(NaN), [pythonJsonSpecialDouble('NaN'), nodeJsonSpecialDouble('NaN')]),
    echo('testDouble: Infinity', 'testDouble', dbl(Infinity), [pythonJsonSpecialDouble('Infinity'), nodeJsonSpecialDouble('Infinity')]),
    echo('testDouble: -Infinity', 'testDouble', dbl(-Infinity), [pythonJsonSpecialDouble('-Infinity'), nodeJsonSpecialDouble('-Infinity')]),

    echo('testBinary: bytes 0..255', 'testBinary', bin(allBytes)),
    echo('testBinary: bytes 255..0', 'testBinary', bin([...allBytes].reverse())),
    echo('testBinary: empty', 'testBinary', bin([])),
    echo('testBinary: 100,000 bytes', 'testBinary', bin(big)),

    echo('testStruct: Xtruct as in TestClient.py', 'testStruct', xtruct('Zero', 1, -3, -5)),
    echo('testStruct: Xtruct with extreme values', 'testStruct', xtruct(MANY_SCRIPTS, -128, I32_MIN, I64_MAX)),
    echo('testStruct: Xtruct with only some fields set', 'testStruct', struct('Xtruct', { string_thing: 'only', i64_thing: i64(-1) })),
    echo('testStruct: Xtruct with no field set', 'testStruct', struct('Xtruct', {})),

    echo('testNest: Xtruct2 as in TestClient.py', 'testNest', struct('Xtruct2', { byte_thing: 0, struct_thing: xtruct('Zero', 1, -3, -5), i32_thing: 0 })),
    echo('testNest: Xtruct2 as in test-cases.js', 'testNest', struct('Xtruct2', { byte_thing: 1, struct_thing: xtruct('Zero', 1, -3, 1000000), i32_thing: 5 })),
    echo('testNest: Xtruct2 with extreme values', 'testNest', struct('Xtruct2', { byte_thing: 127, struct_thing: xtruct('', -1, I32_MAX, I64_MIN), i32_thing: I32_MIN })),

    echo('testMap: as in TestClient.py', 'testMap', map([[0, 1], [1, 2], [2, 3], [3, 4], [-1, -2]])),
    echo('testMap: empty', 'testMap', map([])),
    echo('testMap: extreme keys and values', 'testMap', map([[I32_MIN, I32_MAX], [I32_MAX, I32_MIN], [0, 0]])),
    echo('testMap: 1,000 entries', 'testMap', map(Array.from({ length: 1000 }, (_, i): [Tagged, Tagged] => [i * 7 - 3500, -i]))),

    echo('testStringMap: keys and values of every kind', 'testStringMap', map([
      ['a', '123'],
      ['a b', 'with spaces '],
      ['same', 'same'],
      ['0', 'numeric key'],
      ['', 'empty key'],
      ['long value', MANY_SCRIPTS],
      [ASTRAL, 'astral key'],
      [JSON_SPECIALS, CONTROLS],
    ])),
    echo('testStringMap: empty', 'testStringMap', map([])),

    echo('testSet: as in TestClient.py', 'testSet', set([8, 1, 42])),
    echo('testSet: empty', 'testSet', set([])),
    echo('testSet: extreme values', 'testSet', set([I32_MIN, -1, 0, 1, I32_MAX])),

    echo('testList: as in TestClient.py', 'testList', [1, 4, 9, -42]),
    echo('testList: 1..20', 'testList', Array.from({ length: 20 }, (_, i) => i + 1)),
    echo('testList: empty', 'testList', []),
    echo('testList: repeated and extreme values', 'testList', [I32_MAX, I32_MIN, 0, 0, -1, I32_MAX]),
    echo('testList: 10,000 elements', 'testList', Array.from({ length: 10_000 }, (_, i) => (i % 2 ? -i : i) * 101)),

    ...Object.entries(Numberz).map(([name, v]) => echo(`testEnum: ${name}`, 'testEnum', v)),

    ...[69n, 0xffffffffffffffn, -1n].map((v) => echo(`testTypedef: ${v}`, 'testTypedef', i64(v))),

    returns('testMapMap(42) returns the documented map of maps', 'testMapMap', [42], mapMap),
    returns('testMapMap(-1) returns the same map', 'testMapMap', [-1], mapMap),

    returns('testInsanity: the argument of test-cases.js', 'testInsanity', [crazy], insane(crazy)),
    returns('testInsanity: an argument of empty containers', 'testInsanity', [emptyInsanity], insane(emptyInsanity)),

    returns(
      'testMulti: the arguments of TestClient.py',
      'testMulti',
      [74, 0xff00ff, i64(0xffffffffd0d0), map([[0, 'abc']]), Numberz.FIVE, i64(0xf0f0f0)],
      xtruct('Hello2', 74, 0xff00ff, 0xffffffffd0d0),
    ),
    returns(
      'testMulti: extreme arguments',
      'testMulti',
      [-128, I32_MIN, i64(I64_MIN), map([[-32768, ''], [32767, MANY_SCRIPTS]]), Numberz.EIGHT, i64(I64_MAX)],
      xtruct('Hello2', -128, I32_MIN, I64_MIN),
    ),

    returns('testException("Safe") returns', 'testException', ['Safe'], null),
    {
      name: 'testException("Xception") throws Xception(1001, "Xception")',
      calls: [call('testException', ['Xception'], { throws: struct('Xception', { errorCode: 1001, message: 'Xception' }) })],
    },
    {
      // The type depends on the server (APP_ERROR_TYPE); checksFor fills it in.
      name: 'testException("TException") fails with a TApplicationException',
      calls: [call('testException', ['TException'], { appError: { type: -1 } })],
    },
    returns('testException("success") returns', 'testException', ['success'], null),
    {
      name: 'the connection works after an undeclared error',
      calls: [
        call('testException', ['TException'], { appError: { type: -1 } }),
        call('testString', ['still here'], { returns: 'still here' }),
      ],
    },

    {
      name: 'testMultiException("Xception", ...) throws Xception(1001, "This is an Xception")',
      calls: [call('testMultiException', ['Xception', 'test 1'], { throws: struct('Xception', { errorCode: 1001, message: 'This is an Xception' }) })],
    },
    {
      name: 'testMultiException("Xception2", ...) throws Xception2(2002, {"This is an Xception2"})',
      calls: [
        call('testMultiException', ['Xception2', 'test 2'], {
          throws: struct('Xception2', { errorCode: 2002, struct_thing: struct('Xtruct', { string_thing: 'This is an Xception2' }) }),
        }),
      ],
    },
    returns('testMultiException("success", "foobar") returns Xtruct("foobar")', 'testMultiException', ['success', 'foobar'], struct('Xtruct', { string_thing: 'foobar' })),

    {
      // The server's handler sleeps (the IDL's semantics; ours waits for the next
      // call instead): the client must not wait for it, and the next answer on the
      // connection must be the next call's, not a phantom reply to the oneway
      // ("off by one", test_driver.js checkOffByOne).
      name: 'testOneway does not wait for its handler, then testI32 gets its own answer',
      calls: onewayCalls(ONEWAY_SECONDS.python),
      callsFor: (cell) => onewayCalls(ONEWAY_SECONDS[cell.peer]),
    },

    {
      name: 'SecondService.secondtestString on the same server',
      multiplexedOnly: true,
      calls: [call('secondtestString', ['foobar'], { returns: 'testString("foobar")' }, 'SecondService')],
    },
    {
      name: 'calls to both multiplexed services interleave',
      multiplexedOnly: true,
      calls: [
        call('testString', ['first'], { returns: 'first' }),
        call('secondtestString', ['second'], { returns: 'testString("second")' }, 'SecondService'),
        call('testI32', [3], { returns: 3 }),
      ],
    },
  ];
}

/** testOneway(seconds), then the testI32 that lets our server's handler of it finish. */
function onewayCalls(seconds: number): Call[] {
  const release = onewayRelease(seconds);
  return [call('testOneway', [seconds], { oneway: true }), call('testI32', [release], { returns: release })];
}

let defs: CheckDef[] | undefined;

/** The checks of one cell, with the documented quirks of the cell's peer applied. */
export function checksFor(cell: CellContext): CellChecks {
  defs ??= definitions();
  const checks: Check[] = [];
  const excluded: CellChecks['excluded'] = [];
  for (const def of defs) {
    if (def.multiplexedOnly && !cell.multiplexed) continue;
    const quirks = (def.quirks ?? []).filter((q) => q.peer === cell.peer && (q.protocol === undefined || q.protocol === cell.protocol));
    const exclusion = quirks.find((q) => q.exclude);
    if (exclusion) {
      excluded.push({ name: def.name, why: exclusion.why });
      continue;
    }
    let calls = (def.callsFor?.(cell) ?? def.calls).map((c) =>
      'appError' in c.expect ? { ...c, expect: { appError: { type: APP_ERROR_TYPE[cell.server] } } } : c,
    );
    const replaced = quirks.find((q) => q.expect);
    if (replaced) {
      if (calls.length !== 1) throw new Error(`check ${def.name}: a quirk may only replace the expectation of a single call`);
      calls = [{ ...calls[0]!, expect: replaced.expect! }];
    }
    checks.push({ name: replaced ? `${def.name} (${replaced.why})` : def.name, calls });
  }
  return { checks, excluded };
}
