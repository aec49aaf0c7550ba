/**
 * Argument counts of a loaded client's calls. A loaded client's methods take
 * `...args`, so a missing or extra argument would be sent as if right (the
 * handler getting `undefined`); generated clients get the same check from tsc.
 * Arguments are positional, as in every Apache client: only `optional` ones at
 * the end may be left out.
 */
import type { FunctionDesc, TypeDesc } from '../protocol/index.js';

/** The argument counts a function accepts. */
export interface Arity {
  /** Arguments up to the last one that is not `optional`. */
  readonly min: number;
  /** Every declared argument. */
  readonly max: number;
}

/** The counts for `fn`. */
export function arityOf(fn: FunctionDesc): Arity {
  const fields = fn.args.fields;
  let min = fields.length;
  while (min > 0 && fields[min - 1].requiredness === 'optional') min--;
  return { min, max: fields.length };
}

function typeText(t: TypeDesc): string {
  switch (t.kind) {
    case 'list':
    case 'set':
      return `${t.kind}<${typeText(t.elem)}>`;
    case 'map':
      return `map<${typeText(t.key)}, ${typeText(t.value)}>`;
    case 'enum':
      return t.enum.name;
    case 'struct':
      return t.struct.name;
    default:
      return t.kind;
  }
}

/** The TypeError for a call of `fn` with `got` arguments: "Calc.add(a: i32, b: i64) takes 2 arguments, got 1". */
export function arityError(service: string, fn: FunctionDesc, arity: Arity, got: number): TypeError {
  const params = fn.args.fields.map((f, i) => `${f.name}${i >= arity.min ? '?' : ''}: ${typeText(f.type)}`).join(', ');
  const takes = arity.min === arity.max ? `${arity.max}` : `${arity.min} to ${arity.max}`;
  return new TypeError(`${service}.${fn.name}(${params}) takes ${takes} argument${arity.max === 1 ? '' : 's'}, got ${got}`);
}
