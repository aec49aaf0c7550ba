'use strict';
/**
 * Apache's tutorial server (tutorial/nodejs/NodeServer.js), as it was before the move:
 *   node examples/tutorial/apache/server.cjs <gen-nodejs dir> [port]
 * Prints `LISTENING <port>`, then one line per call.
 */
const { thrift, loadGenerated } = require('./load-apache.cjs');

const { Calculator, ttypes, SharedStruct } = loadGenerated(process.argv[2]);
const data = {};

const server = thrift.createServer(
  Calculator,
  {
    ping(result) {
      console.log('ping()');
      result(null);
    },
    add(n1, n2, result) {
      console.log(`add(${n1}, ${n2})`);
      result(null, n1 + n2);
    },
    calculate(logid, work, result) {
      console.log(`calculate(${logid}, {${work.op}, ${work.num1}, ${work.num2}})`);
      let val = 0;
      if (work.op === ttypes.Operation.ADD) val = work.num1 + work.num2;
      else if (work.op === ttypes.Operation.SUBTRACT) val = work.num1 - work.num2;
      else if (work.op === ttypes.Operation.MULTIPLY) val = work.num1 * work.num2;
      else if (work.op === ttypes.Operation.DIVIDE) {
        if (work.num2 === 0) {
          const x = new ttypes.InvalidOperation();
          x.whatOp = work.op;
          x.why = 'Cannot divide by 0';
          result(x);
          return;
        }
        val = Math.trunc(work.num1 / work.num2);
      } else {
        const x = new ttypes.InvalidOperation();
        x.whatOp = work.op;
        x.why = 'Invalid operation';
        result(x);
        return;
      }
      const entry = new SharedStruct();
      entry.key = logid;
      entry.value = '' + val;
      data[logid] = entry;
      result(null, val);
    },
    getStruct(key, result) {
      console.log(`getStruct(${key})`);
      result(null, data[key]);
    },
    zip() {
      console.log('zip()');
    },
  },
  { transport: thrift.TBufferedTransport, protocol: thrift.TBinaryProtocol },
);
// Apache binds every interface by default; the test passes 127.0.0.1.
server.listen(Number(process.argv[3] ?? 9090), '127.0.0.1', () => console.log(`LISTENING ${server.address().port}`));
