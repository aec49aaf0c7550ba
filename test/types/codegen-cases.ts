/**
 * The programs the type tests compile against generated code: one that uses
 * it correctly (must compile cleanly) and one file per misuse (must fail, on
 * the line marked `// !`, with the given error). Kept as text so the repo's own
 * `tsc` run does not see the deliberate errors. `%RT%` is the runtime module.
 */

/** Imports every case shares; generated echo.ts, ThriftTest.ts and the includes are in gen/ and inc/. */
const prelude = `import { createBalancedClient, createConnection, createHttpServer, createPool, createReconnectingConnection, createServer, createWebSocketServer, fromSimpleJson, load, toSimpleJson, type ServiceClient } from '%RT%';
import { ANSWER, Bag, Color, Echo, NotFound, Point, type EchoClient, type EchoHandler, type Id } from './gen/echo.js';
import * as tt from './gen/ThriftTest.js';
import { Level } from './inc/common.js';
import { Main } from './inc/main.js';
import { SharedStruct } from './inc/shared.js';
declare const handler: EchoHandler;
`;

/** Correct use of everything generated: must compile without a single diagnostic. */
export const positive = `${prelude}
const full: EchoHandler = {
  version: () => '1.0',
  ping() {},
  echoBool: (v) => !v,
  echoByte: (v) => v,
  echoI16: (v) => v,
  echoI32: async (v) => v + 1,
  echoI64: (v) => v * 2n,
  echoDouble: (v) => v,
  echoString: (v) => v.toUpperCase(),
  echoBinary: (v) => v.subarray(1),
  echoList: (v) => v.map((x) => x * 2),
  echoSet: (v) => [...v],
  echoMap: (v) => Object.fromEntries(v),
  echoEnum: () => Color.BLUE,
  echoPoint: (p) => ({ x: p.x, y: p.y }),
  echoBag: (b) => b,
  add: (a, b) => BigInt(a) + b,
  delayed: (value, ms) => new Promise<number>((resolve) => setTimeout(() => resolve(value), ms)),
  find: async (id) => {
    if (id === 0) throw new NotFound({ message: 'none', code: 404 });
    return new Point({ x: id, y: -id });
  },
  fail: (message) => {
    throw new Error(message);
  },
  wrongType: () => 'fine',
  notify: () => {},
  close: () => 1,
};

export async function usage(): Promise<void> {
  const server = await createServer(Echo, full, { port: 0 });
  const client = await createConnection(Echo, { port: server.address.port });
  const sum: bigint = await client.add(1, 2n);
  const sum2: bigint = await client.add(1, 2);
  const p: Point = await client.echoPoint({ x: 1, y: 2 });
  const color: Color = p.color;
  const label: string | undefined = p.label;
  const again: Point = await client.echoPoint(p);
  const bag: Bag = await client.echoBag(new Bag({ tags: ['a'], index: { k: [1] }, s64: 1, byId: new Map([[1, again]]) }));
  const tags: Set<string> | undefined = bag.tags;
  const nested: bigint[][] | undefined = bag.nested;
  const e: Color = await client.echoEnum(Color.RED);
  const set: Set<string> = await client.echoSet(new Set(['x']));
  const map: Map<string, number> = await client.echoMap({ a: 1 });
  const bin: Uint8Array = await client.echoBinary(new Uint8Array(1));
  const nothing: void = await client.notify('x');
  const closing: Promise<void> = client.close();
  const shadowed: Promise<any> = client.execute('close');
  try {
    await client.find(0);
  } catch (err) {
    if (err instanceof NotFound) {
      const code: number | undefined = err.code;
      const message: string | undefined = err.message;
      void [code, message];
    }
  }
  const id: Id = 5n;
  const answer: number = ANSWER;
  const typed: ServiceClient<EchoClient> = client;
  const pool = await createPool(Echo, { port: 1 });
  const viaUse: string = await pool.use((c) => c.echoString('x'));
  const acquired = await pool.acquire();
  const n: number = await acquired.echoI32(1);
  pool.release(acquired);
  await createServer({
    Echo: [Echo, full],
    Main: [Main, { getStruct: (key) => new SharedStruct({ key }), get: (level) => ({ key: level === Level.HIGH ? 1 : 0 }) }],
  }, { port: 0 });
  const loose = load('any.thrift');
  const anyClient = await createConnection(loose.Echo);
  const anything: number = await anyClient.whatever(1, 'x');
  await createServer(loose.Echo, { whatever: () => 1 });
  await createServer({ Loose: [loose.Echo, {}], Echo: [Echo, handler] });
  const ttc = await createConnection(tt.ThriftTest);
  const x: tt.Xtruct = await ttc.testMulti(1, 2, 3n, new Map([[1, 'a']]), tt.Numberz.ONE, 5);
  const insane: Map<bigint, Map<tt.Numberz, tt.Insanity>> = await ttc.testInsanity({ userMap: new Map([[tt.Numberz.TWO, 2]]) });
  const second = await createConnection(tt.SecondService);
  const s: string = await second.secondtestString('x');
  const balanced = createBalancedClient(Echo, { hosts: ['127.0.0.1:1', { port: 2 }] });
  const viaBalanced: bigint = await balanced.add(1, 2n);
  const redial = await createReconnectingConnection(Echo, { port: 1, retry: { maxAttempts: 3 } });
  const viaRedial: Point = await redial.echoPoint({ x: 1, y: 2 });
  const hostsPool = await createPool(Echo, { hosts: ['127.0.0.1:1', '/run/echo.sock'], maxsize: 4 });
  const viaHosts: string = await hostsPool.use((c) => c.echoString('x'));
  void [viaBalanced, viaRedial, viaHosts];
  await createHttpServer(Echo, full, { port: 0 });
  await createHttpServer(Echo, full, { port: 0, json: false });
  const xjson: string = toSimpleJson(new tt.Xtruct({ i64_thing: 1n }));
  const xback: tt.Xtruct = fromSimpleJson(tt.Xtruct, xjson);
  const xi64: bigint | undefined = fromSimpleJson(tt.Xtruct, xjson).i64_thing;
  const pointBack: Point = fromSimpleJson(Point, new TextEncoder().encode('{"x":1,"y":2}'));
  void [xback, xi64, pointBack];
  await createWebSocketServer({ Echo: [Echo, full], Loose: [loose.Echo, {}] }, { port: 0 });
  void [sum, sum2, color, label, tags, nested, e, set, map, bin, nothing, closing, shadowed, id, answer, typed, viaUse, n, anything, x, insane, s];
}
`;

/** One misuse per file: the case name, the code on the `// !` line, the TypeScript error code and a message fragment. */
export interface NegativeCase {
  readonly name: string;
  readonly code: string;
  readonly error: string;
  readonly message: RegExp;
}

export const negatives: readonly NegativeCase[] = [
  {
    name: 'client: an argument of the wrong type',
    code: `const c = await createConnection(Echo);\nawait c.add('1', 2n); // !`,
    error: 'TS2345',
    message: /'string' is not assignable to parameter of type 'number'/,
  },
  {
    name: 'client: an i64 argument takes bigint or number, not a string',
    code: `const c = await createConnection(Echo);\nawait c.echoI64('5'); // !`,
    error: 'TS2345',
    message: /'string' is not assignable to parameter of type 'number \| bigint'/,
  },
  {
    name: 'client: an unknown method',
    code: `const c = await createConnection(Echo);\nawait c.nope(); // !`,
    error: 'TS2339',
    message: /Property 'nope' does not exist/,
  },
  {
    name: 'client: a wrong argument count',
    code: `const c = await createConnection(Echo);\nawait c.ping(1); // !`,
    error: 'TS2554',
    message: /Expected 0 arguments, but got 1/,
  },
  {
    name: 'client: an i64 result is a bigint, not a number',
    code: `const c = await createConnection(Echo);\nconst n: number = await c.add(1, 2n); // !`,
    error: 'TS2322',
    message: /'bigint' is not assignable to type 'number'/,
  },
  {
    name: 'client: an enum argument outside the enum',
    code: `const c = await createConnection(Echo);\nawait c.echoEnum(7); // !`,
    error: 'TS2345',
    message: /'7' is not assignable to parameter of type 'Color'/,
  },
  {
    name: 'client: a struct argument without a required field',
    code: `const c = await createConnection(Echo);\nawait c.echoPoint({ x: 1 }); // !`,
    error: 'TS2345',
    message: /Property 'y' is missing/,
  },
  {
    name: "client: close() is the client's own (void), not the IDL function returning i32",
    code: `const c = await createConnection(Echo);\nconst n: number = await c.close(); // !`,
    error: 'TS2322',
    message: /'void' is not assignable to type 'number'/,
  },
  {
    name: 'pool: clients from use() are typed',
    code: `const pool = await createPool(Echo);\nawait pool.use((c) => c.nope()); // !`,
    error: 'TS2339',
    message: /Property 'nope' does not exist/,
  },
  {
    name: 'balanced client: methods are typed',
    code: `const c = createBalancedClient(Echo, { hosts: ['127.0.0.1:1'] });\nawait c.add('1', 2n); // !`,
    error: 'TS2345',
    message: /'string' is not assignable to parameter of type 'number'/,
  },
  {
    name: 'reconnecting client: methods are typed',
    code: `const c = await createReconnectingConnection(Echo, { port: 1 });\nawait c.nope(); // !`,
    error: 'TS2339',
    message: /Property 'nope' does not exist/,
  },
  {
    name: 'HTTP server: the handler is typed as createServer\'s',
    code: `const { ping, ...rest } = handler;\nawait createHttpServer(Echo, rest); // !`,
    error: 'TS2769',
    message: /Property 'ping' is missing/,
  },
  {
    name: 'WebSocket server: the handler is typed as createServer\'s',
    code: `await createWebSocketServer(Echo, { ...handler, add: () => 'x' }); // !`,
    error: 'TS2769',
    message: /not assignable/,
  },
  {
    name: 'server: a handler missing a method',
    code: `const { ping, ...rest } = handler;\nawait createServer(Echo, rest); // !`,
    error: 'TS2769',
    message: /Property 'ping' is missing/,
  },
  {
    name: 'server: a handler method returning the wrong type',
    code: `await createServer(Echo, { ...handler, echoString: (v: string) => v.length }); // !`,
    error: 'TS2769',
    message: /Type 'number' is not assignable to type 'string \| Promise<string>'/,
  },
  {
    name: 'server: an async handler method resolving the wrong type',
    code: `await createServer(Echo, { ...handler, add: async () => 'x' }); // !`,
    error: 'TS2769',
    message: /Type 'Promise<string>' is not assignable to type 'Promise<number \| bigint>'/,
  },
  {
    name: 'server: a handler method taking the wrong argument type',
    code: `await createServer(Echo, { ...handler, echoI32: (v: string) => 1 }); // !`,
    error: 'TS2769',
    message: /Type 'number' is not assignable to type 'string'/,
  },
  {
    name: 'server: a multiplexed handler is checked against its own service',
    code: `await createServer({ Echo: [Echo, { ...handler, echoString: () => 5 }] }); // !`,
    error: 'TS2322',
    message: /Type 'number' is not assignable to type 'string \| Promise<string>'/,
  },
  {
    name: 'server: a handler of a service extending an included one must implement the inherited functions',
    code: `await createServer(Main, { get: () => ({ key: 1 }) }); // !`,
    error: 'TS2769',
    message: /Property 'getStruct' is missing/,
  },
  {
    name: 'struct: the constructor needs the required fields',
    code: `new Point({ x: 1 }); // !`,
    error: 'TS2345',
    message: /Property 'y' is missing/,
  },
  {
    name: 'struct: the constructor checks field types',
    code: `new Point({ x: '1', y: 2 }); // !`,
    error: 'TS2322',
    message: /Type 'string' is not assignable to type 'number'/,
  },
  {
    name: 'exception: fields that may be unset are optional when read',
    code: `const err = new NotFound({ code: 1 });\nconst code: number = err.code; // !`,
    error: 'TS2322',
    message: /'number \| undefined' is not assignable to type 'number'/,
  },
  {
    name: 'simple JSON: fromSimpleJson returns the instance type of the class it is given',
    code: `const p: Point = fromSimpleJson(tt.Xtruct, '{}'); // !`,
    error: 'TS2739',
    message: /Type 'Xtruct' is missing the following properties from type 'Point'/,
  },
  {
    name: 'simple JSON: toSimpleJson takes a struct instance, not a primitive',
    code: `toSimpleJson('{}'); // !`,
    error: 'TS2345',
    message: /'string' is not assignable to parameter of type 'object'/,
  },
  {
    name: 'ThriftTest: map argument key types',
    code: `const c = await createConnection(tt.ThriftTest);\nawait c.testMulti(1, 2, 3n, new Map([['a', 'b']]), tt.Numberz.ONE, 5); // !`,
    error: 'TS2345',
    message: /Map<string, string>' is not assignable to parameter of type 'ReadonlyMap<number, string>'/,
  },
];

/** The source of a negative case's file. */
export function negativeSource(c: NegativeCase): string {
  return `${prelude}\nexport async function misuse(): Promise<void> {\n${c.code}\n}\n`;
}
