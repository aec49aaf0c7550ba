/**
 * A loaded client's calls with too many arguments, or missing ones that are not
 * `optional`, fail at once with a TypeError naming the function and its
 * parameters; nothing is sent. Optional trailing arguments may be left out.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createConnection, createServer, loadSource, type CallNext, type InterceptedCall, type ServiceClient, type ThriftServer } from '../../src/index.js';
import { rejection, within } from '../helpers/wait.js';

const mod = loadSource(`
  struct Point { 1: i32 x, 2: i32 y }
  service Calc {
    i64 add(1: i32 a, 2: i64 b),
    string greet(1: string name, 2: optional string greeting, 3: optional list<Point> extra),
    void ping(),
  }
`);

let server: ThriftServer;
let conn: ServiceClient;
const received: unknown[][] = [];
const intercepted: string[] = [];

test.before(async () => {
  server = await createServer(
    mod.Calc,
    {
      add: (a: number, b: bigint) => (received.push([a, b]), BigInt(a) + b),
      greet: (name: string, greeting?: string) => (received.push([name, greeting]), `${greeting ?? 'hello'} ${name}`),
      ping: () => void received.push([]),
    },
    { port: 0 },
  );
  conn = await createConnection(mod.Calc, {
    port: server.address.port,
    timeout: 5000,
    interceptors: [(next: CallNext) => (call: InterceptedCall) => (intercepted.push(call.method), next(call))],
  });
});
test.after(async () => {
  conn?.destroy();
  await server?.close();
});

test('missing and extra arguments are a TypeError naming the signature; nothing reaches the server', async () => {
  received.length = 0;
  intercepted.length = 0;
  const cases: [Promise<unknown>, string][] = [
    [conn.add(1), 'Calc.add(a: i32, b: i64) takes 2 arguments, got 1'],
    [conn.add(1, 2n, 3), 'Calc.add(a: i32, b: i64) takes 2 arguments, got 3'],
    [conn.execute('add'), 'Calc.add(a: i32, b: i64) takes 2 arguments, got 0'],
    [conn.call('add', [1, 2n, 3, 4]), 'Calc.add(a: i32, b: i64) takes 2 arguments, got 4'],
    [conn.greet(), 'Calc.greet(name: string, greeting?: string, extra?: list<Point>) takes 1 to 3 arguments, got 0'],
    [conn.greet('a', 'b', [], 'd'), 'Calc.greet(name: string, greeting?: string, extra?: list<Point>) takes 1 to 3 arguments, got 4'],
    [conn.ping(1), 'Calc.ping() takes 0 arguments, got 1'],
  ];
  for (const [call, message] of cases) {
    const error = await rejection(call);
    assert.instance(error, TypeError);
    assert.is(error.message, message);
  }
  assert.equal(intercepted, [], 'interceptors do not see a call with the wrong arguments');
  // The connection still works, and the server got none of the bad calls.
  assert.is(await within(conn.add(2, 40n), 5000, 'a good call'), 42n);
  assert.equal(received, [[2, 40n]]);
});

test('optional trailing arguments may be left out', async () => {
  received.length = 0;
  assert.is(await conn.greet('ann'), 'hello ann');
  assert.is(await conn.greet('bob', 'hi'), 'hi bob');
  assert.is(await conn.execute('greet', 'cy', 'hey', [new mod.Point({ x: 1, y: 2 })]), 'hey cy');
  assert.equal(received, [['ann', undefined], ['bob', 'hi'], ['cy', 'hey']]);
});

test.run();
