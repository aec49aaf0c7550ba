/**
 * `Symbol.asyncDispose`, declared for consumers whose TypeScript lib lacks it (lib
 * es2022 + dom, no @types/node): the clients' and the server's `[Symbol.asyncDispose]()`
 * in our .d.ts would not compile there. Same declaration as lib esnext.disposable and
 * @types/node, so it merges with theirs. The entry points re-export a type from here
 * (type-only, so bundlers see no side-effect import) and every consumer's program sees it.
 */
declare global {
  interface SymbolConstructor {
    /** The method `await using` calls when a scope ends. */
    readonly asyncDispose: unique symbol;
  }
}

/** What `await using` accepts: connections, pools, the balanced and reconnecting clients and servers all are. */
export interface AsyncDisposableLike {
  /** Closes gracefully, as `close()` does. */
  [Symbol.asyncDispose](): PromiseLike<void>;
}
