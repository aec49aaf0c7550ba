import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ttypeOf } from '../../src/protocol/schema.js';
test('ttypeOf maps enums to i32', () => { assert.is(ttypeOf({ kind: 'enum', enum: { name: 'E', values: [], annotations: {} } }), 8); });
test.run();
