/**
 * Apache's Node tutorial (tutorial/nodejs in apache/thrift), ported: the Calculator
 * handler and the client's calls, shared by server.ts, client.ts and the test that
 * runs them against Apache's own server and client.
 */
import { load } from '../../src/index.js';

/** tutorial.thrift (which includes shared.thrift), loaded at start-up: no generated code needed. */
export const tutorial = load(new URL('./tutorial.thrift', import.meta.url).pathname);
const { Operation, InvalidOperation, Work, shared } = tutorial;

/** The Calculator handler: Apache's `(args…, result)` callbacks become return values and throws. */
export function calculatorHandler(log: (line: string) => void = console.log) {
  const entries = new Map<number, InstanceType<typeof shared.SharedStruct>>();
  return {
    ping() {
      log('ping()');
    },
    add(n1: number, n2: number) {
      log(`add(${n1}, ${n2})`);
      return n1 + n2;
    },
    calculate(logid: number, work: InstanceType<typeof Work>) {
      log(`calculate(${logid}, {${work.op}, ${work.num1}, ${work.num2}})`);
      let value: number;
      switch (work.op) {
        case Operation.ADD:
          value = work.num1! + work.num2!;
          break;
        case Operation.SUBTRACT:
          value = work.num1! - work.num2!;
          break;
        case Operation.MULTIPLY:
          value = work.num1! * work.num2!;
          break;
        case Operation.DIVIDE:
          if (work.num2 === 0) throw new InvalidOperation({ whatOp: work.op, why: 'Cannot divide by 0' });
          value = Math.trunc(work.num1! / work.num2!);
          break;
        default:
          throw new InvalidOperation({ whatOp: work.op, why: 'Invalid operation' });
      }
      entries.set(logid, new shared.SharedStruct({ key: logid, value: String(value) }));
      return value;
    },
    getStruct(key: number) {
      log(`getStruct(${key})`);
      return entries.get(key) ?? new shared.SharedStruct({ key, value: '' });
    },
    zip() {
      log('zip()');
    },
  };
}

/** The tutorial client's calls, in order; returns the lines it printed (the test compares them across peers). */
export async function runTutorialClient(port: number, print: (line: string) => void = console.log): Promise<string[]> {
  const { createConnection } = await import('../../src/index.js');
  const lines: string[] = [];
  const out = (line: string): void => {
    lines.push(line);
    print(line);
  };
  // Apache: createConnection('localhost', 9090, { transport: TBufferedTransport, protocol: TBinaryProtocol }) + createClient.
  await using client = await createConnection(tutorial.Calculator, { port, transport: 'buffered', protocol: 'binary', timeout: 10_000 });
  await client.ping();
  out('ping()');
  out(`1+1=${await client.add(1, 1)}`);
  const work = new Work({ op: Operation.DIVIDE, num1: 1, num2: 0 });
  try {
    await client.calculate(1, work);
    out('Whoa? You know how to divide by zero?');
  } catch (e) {
    if (!(e instanceof InvalidOperation)) throw e;
    out(`InvalidOperation ${(e as InstanceType<typeof InvalidOperation>).why}`);
  }
  out(`15-10=${await client.calculate(1, new Work({ op: Operation.SUBTRACT, num1: 15, num2: 10 }))}`);
  out(`Check log: ${(await client.getStruct(1)).value}`);
  await client.zip();
  out('zip()');
  return lines;
}
