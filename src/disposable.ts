/**
 * `Symbol.asyncDispose`, declared for consumers whose TypeScript lib lacks it (lib
 * es2022 + dom, no @types/node): the clients' and the server's `[Symbol.asyncDispose]()`
 * in our .d.ts would not compile there. Same declaration as lib esnext.disposable and
 * @types/node, so it merges with theirs. The entry points import this file so every
 * consumer's program sees it.
 */
declare global {
  interface SymbolConstructor {
    /** The method `await using` calls when a scope ends. */
    readonly asyncDispose: unique symbol;
  }
}

export {};
