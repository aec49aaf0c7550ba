// The client code the web tests run: in Chromium (loaded by index.html) and in
// Node (test/web/bundle.test.ts), on native and on web-streams-polyfill streams.
// Plain JavaScript with no imports: it gets the bundle's exports as `lib`, so the
// very same file runs against the very same bundle everywhere. It returns plain
// JSON (bigints and bytes as strings and arrays) for the test to check.

/** Calls every kind of function of test/fixtures/echo.thrift over one connection; returns what came back. */
async function exercise(lib, mod, client, label) {
  const r = {};
  r.version = await client.version();
  r.bool = [await client.echoBool(true), await client.echoBool(false)];
  r.byte = [await client.echoByte(-128), await client.echoByte(127)];
  r.i16 = [await client.echoI16(-32768), await client.echoI16(32767)];
  r.i32 = [await client.echoI32(-2147483648), await client.echoI32(2147483647)];
  r.i64 = [String(await client.echoI64(-9223372036854775808n)), String(await client.echoI64(9223372036854775807n))];
  r.double = [await client.echoDouble(Math.PI), await client.echoDouble(-0.5e-300)];
  r.string = await client.echoString('héllo ✓ 𝄞');
  r.binary = Array.from(await client.echoBinary(new Uint8Array([0, 1, 127, 128, 254, 255])));
  r.enum = await client.echoEnum(mod.Color.BLUE);
  r.list = await client.echoList([3, 1, 2]);
  r.set = Array.from(await client.echoSet(new Set(['a', 'b']))).sort();
  r.map = Object.fromEntries(await client.echoMap(new Map([['one', 1], ['two', 2]])));
  const point = await client.echoPoint(new mod.Point({ x: 7, y: -7, label: label }));
  r.point = { isPoint: point instanceof mod.Point, x: point.x, y: point.y, label: point.label, color: point.color };
  r.add = String(await client.add(2, 40n));
  try {
    await client.find(0);
    r.notFound = 'resolved';
  } catch (e) {
    r.notFound = { isNotFound: e instanceof mod.NotFound, code: e.code };
  }
  try {
    await client.fail('boom');
    r.undeclared = 'resolved';
  } catch (e) {
    r.undeclared = { isAppError: e instanceof lib.ThriftAppError, type: e.type, code: e.code };
  }
  r.oneway = await client.notify(label);
  // Calls in flight together, answered out of order, each matched to its caller.
  r.concurrent = await Promise.all([client.delayed(1, 60), client.delayed(2, 0), client.delayed(3, 30)]);
  return r;
}

/**
 * Runs the calls over HTTP and over WebSocket. `config`: { idl, httpUrl, wsUrl,
 * label, WebSocket? (Node 20 has none built in) }. Resolves with
 * { http: results, websocket: results } or { error } (with the stack) if anything threw.
 */
export async function runCalls(lib, config) {
  try {
    const mod = lib.loadSource(config.idl, { path: 'echo.thrift' });
    const http = await lib.createHttpConnection(mod.Echo, { url: config.httpUrl, timeout: 5000 });
    const overHttp = await exercise(lib, mod, http, `${config.label} over http`);
    await http.close();
    const ws = await lib.createWebSocketConnection(mod.Echo, { url: config.wsUrl, timeout: 5000, WebSocket: config.WebSocket });
    const overWs = await exercise(lib, mod, ws, `${config.label} over websocket`);
    await ws.close();
    return { http: overHttp, websocket: overWs };
  } catch (e) {
    return { error: e && e.stack ? `${e.stack}` : String(e) };
  }
}
