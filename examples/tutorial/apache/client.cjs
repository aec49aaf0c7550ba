'use strict';
/**
 * Apache's tutorial client (tutorial/nodejs/NodeClient.js), as it was before the move:
 *   node examples/tutorial/apache/client.cjs <gen-nodejs dir> [port]
 * The calls are chained so the printed lines come in a fixed order.
 */
const { thrift, loadGenerated } = require('./load-apache.cjs');

const { Calculator, ttypes } = loadGenerated(process.argv[2]);

const connection = thrift.createConnection('127.0.0.1', Number(process.argv[3] ?? 9090), {
  transport: thrift.TBufferedTransport,
  protocol: thrift.TBinaryProtocol,
});
connection.on('error', (err) => {
  console.error(err);
  process.exit(1);
});
const client = thrift.createClient(Calculator, connection);

client.ping(() => {
  console.log('ping()');
  client.add(1, 1, (err, response) => {
    console.log('1+1=' + response);
    const work = new ttypes.Work();
    work.op = ttypes.Operation.DIVIDE;
    work.num1 = 1;
    work.num2 = 0;
    client.calculate(1, work, (err) => {
      if (err) console.log('InvalidOperation ' + err.why);
      else console.log('Whoa? You know how to divide by zero?');
      work.op = ttypes.Operation.SUBTRACT;
      work.num1 = 15;
      work.num2 = 10;
      client.calculate(1, work, (err, message) => {
        console.log('15-10=' + message);
        client.getStruct(1, (err, message) => {
          console.log('Check log: ' + message.value);
          client.zip(() => {});
          console.log('zip()');
          // A oneway call has no reply: give the bytes a moment to leave before ending.
          setImmediate(() => connection.end());
        });
      });
    });
  });
});
