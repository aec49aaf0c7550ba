/** What test/web/page/calls.js must get back from the echo handler, whatever the transport, runtime or stream classes. */
import * as assert from 'uvu/assert';

/** Checks one runCalls() report; `label` is what calls.js was given. */
export function assertCallResults(report: any, label: string): void {
  assert.is(report.error, undefined, `the client code threw: ${report.error}`);
  for (const kind of ['http', 'websocket']) {
    const r = report[kind];
    assert.ok(r, `no results over ${kind}`);
    assert.is(r.version, '1.0');
    assert.equal(r.bool, [true, false]);
    assert.equal(r.byte, [-128, 127]);
    assert.equal(r.i16, [-32768, 32767]);
    assert.equal(r.i32, [-2147483648, 2147483647]);
    assert.equal(r.i64, ['-9223372036854775808', '9223372036854775807']);
    assert.equal(r.double, [Math.PI, -0.5e-300]);
    assert.is(r.string, 'héllo ✓ 𝄞');
    assert.equal(r.binary, [0, 1, 127, 128, 254, 255]);
    assert.is(r.enum, 10);
    assert.equal(r.list, [3, 1, 2]);
    assert.equal(r.set, ['a', 'b']);
    assert.equal(r.map, { one: 1, two: 2 });
    assert.equal(r.point, { isPoint: true, x: 7, y: -7, label: `${label} over ${kind}`, color: 2 });
    assert.is(r.add, '42');
    assert.equal(r.notFound, { isNotFound: true, code: 404 });
    assert.equal(r.undeclared, { isAppError: true, type: 6, code: 'APPLICATION' });
    assert.is(r.oneway, undefined);
    assert.equal(r.concurrent, [1, 2, 3]);
  }
}
