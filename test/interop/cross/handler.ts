/**
 * Our handlers of ThriftTest and SecondService (test/idl/fixtures/ThriftTest.thrift), with
 * Apache's reference semantics: the comments of the IDL, test/py/TestServer.py,
 * test/cpp/src/TestServer.cpp and lib/nodejs/test/test_handler.js. Echoes return
 * their argument; the rest is spelled out below.
 */
import type { ThriftModule } from '../../../src/index.js';
import { onewayRelease } from './cases.js';

/** The ThriftTest handler; some functions are async on purpose, as both kinds must work. */
export function thriftTestHandler(mod: ThriftModule) {
  const echo = <T>(v: T): T => v;
  /** testOneway handlers still running, by the testI32 argument that lets them finish. */
  const oneways = new Map<number, (() => void)[]>();
  return {
    testVoid() {},
    testString: echo,
    testBool: echo,
    testByte: echo,
    testI32(v: number) {
      for (const finish of oneways.get(v) ?? []) finish();
      oneways.delete(v);
      return v;
    },
    testI64: async (v: bigint) => v,
    testDouble: echo,
    testBinary: echo,
    testStruct: async (v: unknown) => v,
    testNest: echo,
    testMap: echo,
    testStringMap: echo,
    testSet: echo,
    testList: echo,
    testEnum: echo,
    testTypedef: echo,
    /** The IDL: {-4 => {-4 => -4, -3 => -3, -2 => -2, -1 => -1}, 4 => {1 => 1, 2 => 2, 3 => 3, 4 => 4}}, whatever `hello` is. */
    testMapMap(_hello: number) {
      return new Map([
        [-4, new Map([[-4, -4], [-3, -3], [-2, -2], [-1, -1]])],
        [4, new Map([[1, 1], [2, 2], [3, 3], [4, 4]])],
      ]);
    },
    /** The IDL: {1 => {TWO => argument, THREE => argument}, 2 => {SIX => <empty Insanity>}}. */
    testInsanity(argument: unknown) {
      const { TWO, THREE, SIX } = mod.Numberz;
      return new Map([
        [1n, new Map([[TWO, argument], [THREE, argument]])],
        [2n, new Map([[SIX, new mod.Insanity({})]])],
      ]);
    },
    /** The IDL: Xtruct("Hello2", arg0, arg1, arg2); the other arguments only travel. */
    testMulti(arg0: number, arg1: number, arg2: bigint) {
      return new mod.Xtruct({ string_thing: 'Hello2', byte_thing: arg0, i32_thing: arg1, i64_thing: arg2 });
    },
    /** The IDL: "Xception" throws Xception(1001, arg), "TException" an undeclared error, anything else returns. */
    testException(arg: string) {
      if (arg === 'Xception') throw new mod.Xception({ errorCode: 1001, message: arg });
      if (arg === 'TException') throw new Error('This is a TException');
    },
    /** The IDL: Xception(1001) or Xception2(2002) by arg0, else Xtruct(string_thing = arg1). */
    async testMultiException(arg0: string, arg1: string) {
      if (arg0 === 'Xception') throw new mod.Xception({ errorCode: 1001, message: 'This is an Xception' });
      if (arg0 === 'Xception2') {
        throw new mod.Xception2({ errorCode: 2002, struct_thing: new mod.Xtruct({ string_thing: 'This is an Xception2' }) });
      }
      return new mod.Xtruct({ string_thing: arg1 });
    },
    /**
     * The IDL sleeps secondsToSleep; this waits instead for the client's next call,
     * testI32(onewayRelease(secondsToSleep)) (cases.ts): a client that waited for
     * this handler would never send that call, and fails on its call timeout
     * rather than on a clock. A handler whose release never comes just stays
     * pending: the server neither tracks nor waits for oneway handlers.
     */
    testOneway(secondsToSleep: number) {
      const key = onewayRelease(secondsToSleep);
      return new Promise<void>((resolve) => {
        const waiting = oneways.get(key);
        if (waiting) waiting.push(resolve);
        else oneways.set(key, [resolve]);
      });
    },
  };
}

/** SecondService, as Apache's multiplexed clients expect it (test/py/TestClient.py testMultiplexed). */
export function secondServiceHandler() {
  return { secondtestString: (thing: string) => `testString("${thing}")` };
}
