/** The handler of test/fixtures/echo.thrift, shared by the end-to-end tests and the child-process server. */
import type { ThriftModule } from '../../src/index.js';

export function echoHandler(mod: ThriftModule, events: { notify?: (event: string) => void } = {}) {
  const echo = <T>(v: T): T => v;
  return {
    version: () => '1.0',
    ping() {},
    echoBool: echo,
    echoByte: echo,
    echoI16: echo,
    echoI32: echo,
    echoI64: echo,
    echoDouble: echo,
    echoString: echo,
    echoBinary: echo,
    echoList: echo,
    echoSet: echo,
    echoMap: echo,
    echoEnum: echo,
    echoPoint: echo,
    echoBag: echo,
    add: (a: number, b: bigint) => BigInt(a) + b,
    delayed: (value: number, ms: number) => new Promise((resolve) => setTimeout(() => resolve(value), ms)),
    async find(id: number) {
      if (id < 0) throw new mod.Invalid({ why: 'negative id' });
      if (id === 0) throw new mod.NotFound({ message: 'no such point', code: 404 });
      return new mod.Point({ x: id, y: -id });
    },
    fail(message: string) {
      throw new Error(message);
    },
    wrongType: () => 12345,
    notify(event: string) {
      events.notify?.(event);
    },
    close: () => 7,
  };
}
