/**
 * uvu's `suite` and `test`, with before-hook failures printed. uvu 0.5 swallows an
 * error thrown by a suite's before hook: the suite's tests are counted but not run
 * and nothing says why (test/run.ts fails the run on the shortfall). Files with a
 * before hook import from here so the cause reaches the log.
 */
import * as uvu from 'uvu';

type Context = Record<string, any>;

function wrap<T>(t: uvu.Test<T>, name: string): uvu.Test<T> {
  const before = t.before;
  const hook = ((fn: uvu.Callback<T>) =>
    before(async (context) => {
      try {
        await fn(context);
      } catch (error) {
        console.error(`\nthe before hook of ${name ? `suite "${name}"` : 'this file'} failed; its tests do not run:`, error);
        throw error;
      }
    })) as uvu.Test<T>['before'];
  hook.each = before.each;
  t.before = hook;
  return t;
}

/** uvu's suite(), reporting a failed before hook. */
export function suite<T = Context>(title?: string, context?: T): uvu.Test<T> {
  return wrap(uvu.suite<T>(title, context), title ?? '');
}

/** uvu's default suite, reporting a failed before hook. */
export const test: uvu.Test<Context> = wrap(uvu.test, '');
