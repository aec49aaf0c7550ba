/**
 * A short description of a value for error messages: a leaf every layer may use,
 * so a refused value is always named (type, class, or the keys of an anonymous one).
 */

/** Describes `value` in a few words: `number 1.5`, `string "x"`, `Uint8Array`, `object {buffer, offset}`. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  if (typeof value === 'bigint') return `bigint ${value}n`;
  if (typeof value === 'object') {
    if (Array.isArray(value)) return `array of ${value.length}`;
    const name = (value as object).constructor?.name;
    if (name !== undefined && name !== '' && name !== 'Object') return name;
    // Anonymous classes (node-int64's Int64 is one) and plain objects: their keys say what they are.
    const keys = Object.keys(value);
    const shown = keys.slice(0, 4).join(', ') + (keys.length > 4 ? ', …' : '');
    return `${name === 'Object' ? 'object' : 'object of an anonymous class'} {${shown}}`;
  }
  return `${typeof value} ${String(value)}`;
}
