/** Per-service subclasses carrying one method per service function, for client-like classes built on call(). */
import { serviceFunctions, type ServiceDesc } from '../protocol/index.js';
import type { CallOptions } from '../call/index.js';

/** Anything calls can be made on by name. */
export interface Callable {
  call(name: string, args: readonly unknown[], options?: CallOptions): Promise<any>;
}

type Ctor<T> = new (...args: any[]) => T;

const cache = new WeakMap<Ctor<Callable>, WeakMap<ServiceDesc, Ctor<Callable>>>();

/** A subclass of `Base` with one method per function of `service` (names the class already has are skipped), built once. */
export function withServiceMethods<T extends Callable, C extends Ctor<T>>(Base: C, service: ServiceDesc): C {
  let byService = cache.get(Base);
  if (byService === undefined) cache.set(Base, (byService = new WeakMap()));
  let Cls = byService.get(service);
  if (Cls === undefined) {
    Cls = class extends (Base as Ctor<Callable>) {};
    for (const name of serviceFunctions(service).keys()) {
      // The class's own members win; such functions stay reachable through call()/execute().
      // A `then` method would make every client a thenable: `await createConnection()` would call it.
      if (name in Base.prototype || name === 'constructor' || name === 'then') continue;
      Object.defineProperty(Cls.prototype, name, {
        value: function (this: Callable, ...args: unknown[]) {
          return this.call(name, args);
        },
        writable: true,
        configurable: true,
      });
    }
    byService.set(service, Cls);
  }
  return Cls as C;
}
