/**
 * Generated code and load() on the same IDL are the same on the wire: equal
 * bytes for calls, replies and structs in both protocols, and a generated
 * server answering a load() client (and the reverse) over a real socket.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createConnection, createServer, load, Processor, schemaOf, type ThriftModule } from '../../src/index.js';
import {
  binaryProtocol,
  compactProtocol,
  encodeMessage,
  MessageType,
  serviceFunctions,
  type Protocol,
  type ServiceDesc,
  type StructDesc,
} from '../../src/protocol/index.js';
import { echoHandler } from '../helpers/echo-handler.js';
import { fixtures, gen, removeScratch, scratch } from '../types/generate.js';

const dir = scratch('codegen-wire');
gen(fixtures.echo, join(dir, 'echo'));
gen(fixtures.thriftTest, join(dir, 'tt'));
gen(fixtures.includesMain, join(dir, 'inc'), ['-I', fixtures.includesLib]);

const importGen = async (path: string): Promise<ThriftModule> => (await import(pathToFileURL(join(dir, path)).href)) as ThriftModule;
const genEcho = await importGen('echo/echo.ts');
const genTT = await importGen('tt/ThriftTest.ts');
const genMain = await importGen('inc/main.ts');
const genShared = await importGen('inc/shared.ts');
const loadedEcho = load(fixtures.echo);
const loadedTT = load(fixtures.thriftTest);
const loadedMain = load(fixtures.includesMain, { includeDirs: [fixtures.includesLib] });

const protocols: readonly Protocol[] = [binaryProtocol, compactProtocol];

function callBytes(protocol: Protocol, service: ServiceDesc, name: string, args: unknown[], seqid = 7): Uint8Array {
  const fn = serviceFunctions(service).get(name)!;
  const type = fn.oneway ? MessageType.ONEWAY : MessageType.CALL;
  return encodeMessage(protocol.createWriter(), name, type, seqid, protocol.codecs.argsCodec(fn.args).encode, args).slice();
}

function structBytes(protocol: Protocol, desc: StructDesc, value: unknown): Uint8Array {
  return encodeMessage(protocol.createWriter(), 's', MessageType.REPLY, 1, protocol.codecs.encoder(desc), value).slice();
}

/** Echo calls built from one module's classes, so each side encodes its own instances. */
function echoCalls(mod: ThriftModule): [string, unknown[]][] {
  const point = new mod.Point({ x: 3, y: -4, label: 'p' });
  const bag = new mod.Bag({
    b: true, y: -5, s16: 300, s32: -70000, s64: 1n << 40n, d: 0.25, str: 'héllo', bin: new Uint8Array([0, 1, 255]),
    points: [point, { x: 1, y: 2 }], tags: new Set(['a', 'b']), index: new Map([['k', [1, 2]]]),
    byId: new Map([[9, point]]), nested: [[1n], [], [2n, -3n]], origin: { x: 0, y: 0 },
  });
  return [
    ['ping', []], ['version', []], ['echoBool', [false]], ['echoByte', [-128]], ['echoI16', [-32768]], ['echoI32', [123456]],
    ['echoI64', [-(2n ** 63n)]], ['echoDouble', [Math.PI]], ['echoString', ['ünïcode ✓']], ['echoBinary', [new Uint8Array([9, 8])]],
    ['echoList', [[1, 2, 3]]], ['echoSet', [['x', 'y']]], ['echoMap', [new Map([['a', 1]])]], ['echoEnum', [mod.Color.BLUE]],
    ['echoPoint', [point]], ['echoBag', [bag]], ['add', [2, 40n]], ['find', [5]], ['find', [0]], ['find', [-1]],
    ['notify', ['evt']], ['close', []],
  ];
}

test('calls encode to the same bytes from generated code and from load(), in binary and compact', () => {
  const a = echoCalls(genEcho);
  const b = echoCalls(loadedEcho);
  for (const protocol of protocols) {
    for (let i = 0; i < a.length; i++) {
      const [name, args] = a[i]!;
      assert.equal(callBytes(protocol, genEcho.Echo, name, args), callBytes(protocol, loadedEcho.Echo, name, b[i]![1]), `${protocol.name} ${name}`);
    }
  }
});

test('replies (values, declared exceptions, app errors) are the same bytes from a generated and a load() processor', async () => {
  for (const protocol of protocols) {
    const fromGen = new Processor(genEcho.Echo, echoHandler(genEcho), { protocol });
    const fromLoad = new Processor(loadedEcho.Echo, echoHandler(loadedEcho), { protocol });
    for (const [name, args] of echoCalls(loadedEcho)) {
      const request = callBytes(protocol, loadedEcho.Echo, name, args);
      const [x, y] = await Promise.all([fromGen.process(request.slice()), fromLoad.process(request.slice())]);
      assert.equal(x && x.slice(), y && y.slice(), `${protocol.name} ${name}`);
    }
  }
});

test('structs and defaults are the same bytes: echo, ThriftTest, and a file with includes', () => {
  const cases: [ThriftModule, ThriftModule, string, (m: ThriftModule) => unknown][] = [
    [genEcho, loadedEcho, 'Point', (m) => new m.Point({ x: 1, y: 2 })],
    [genTT, loadedTT, 'Insanity', (m) => new m.Insanity({
      userMap: new Map([[m.Numberz.FIVE, 5n]]),
      xtructs: [new m.Xtruct({ string_thing: 's', byte_thing: 1, i32_thing: 2, i64_thing: 3n })],
    })],
    [genTT, loadedTT, 'CrazyNesting', (m) => new m.CrazyNesting({
      string_field: 'x', set_field: new Set([new m.Insanity({})]), list_field: [], binary_field: new Uint8Array([1]),
    })],
    [genTT, loadedTT, 'Bools', (m) => new m.Bools({ im_true: true, im_false: false })],
    [genMain, loadedMain, 'Holder', (m) => new m.Holder({})],
  ];
  for (const protocol of protocols) {
    for (const [g, l, name, make] of cases) {
      assert.equal(structBytes(protocol, g[name].schema, make(g)), structBytes(protocol, l[name].schema, make(l)), `${protocol.name} ${name}`);
    }
  }
});

test('generated modules share classes across includes, so instanceof and defaults work across files', () => {
  const holder = new genMain.Holder({});
  assert.instance(holder.s, genShared.SharedStruct);
  assert.is(holder.s.key, 7);
  assert.is(genMain.$module.shared, genShared.$module);
  assert.is(schemaOf(genMain.$module).includes[0], schemaOf(genShared.$module));
  assert.is(genMain.Main.extends, genShared.SharedService);
  assert.is(genMain.TWICE, 42);
  assert.is(schemaOf(genEcho.$module).path, 'echo.thrift');
});

async function roundTrip(serverMod: ThriftModule, clientMod: ThriftModule, transport: 'buffered' | 'framed'): Promise<void> {
  const server = await createServer(serverMod.Echo, echoHandler(serverMod), { port: 0, transport });
  const client = await createConnection(clientMod.Echo, { port: server.address.port, transport, timeout: 5000 });
  try {
    assert.is(await client.add(2, 40n), 42n);
    assert.is(await client.version(), '1.0');
    const p = await client.echoPoint(new clientMod.Point({ x: 1, y: 2 }));
    assert.instance(p, clientMod.Point);
    assert.is(p.color, clientMod.Color.GREEN);
    const bag = await client.echoBag({ tags: ['a'], index: { k: [1] }, s64: 5 });
    assert.equal([...bag.tags], ['a']);
    assert.equal(bag.index, new Map([['k', [1]]]));
    assert.is(bag.s64, 5n);
    try {
      await client.find(0);
      assert.unreachable('should throw');
    } catch (e) {
      assert.instance(e, clientMod.NotFound);
      assert.is((e as { code: number }).code, 404);
    }
    assert.is(await client.execute('close'), 7);
  } finally {
    await client.close();
    await server.close();
  }
}

test('a generated server answers a load() client over a socket (buffered and framed)', async () => {
  await roundTrip(genEcho, loadedEcho, 'buffered');
  await roundTrip(genEcho, loadedEcho, 'framed');
});

test('a load() server answers a generated client over a socket', async () => {
  await roundTrip(loadedEcho, genEcho, 'buffered');
});

test('a generated server with includes answers inherited and own functions across files', async () => {
  const server = await createServer(genMain.Main, {
    getStruct: (key: number) => new genShared.SharedStruct({ key, value: 'v' }),
    get: (level: number) => ({ key: level, value: 'lvl' }),
  }, { port: 0 });
  const client = await createConnection(loadedMain.Main, { port: server.address.port });
  try {
    const s = await client.getStruct(3);
    assert.instance(s, loadedMain.shared.SharedStruct);
    assert.equal({ ...s }, { key: 3, value: 'v' });
    assert.equal({ ...(await client.get(loadedMain.common.Level.HIGH)) }, { key: 1, value: 'lvl' });
  } finally {
    await client.close();
    await server.close();
  }
});

test.after(() => removeScratch(dir));

test.run();
