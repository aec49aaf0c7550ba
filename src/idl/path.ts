/**
 * The few path operations include resolution needs, written here so that
 * `loadSource` works in a browser bundle without node:path. Both `/` and `\`
 * separate segments on input; results use `/`.
 */

/** True for `/x`, `\\x` and drive paths such as `C:\x` or `C:/x`. */
export function isAbsolute(path: string): boolean {
  return /^(?:[\\/]|[A-Za-z]:[\\/])/.test(path);
}

/** Everything before the last separator (`''` when there is none). */
export function dirname(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  if (i < 0) return '';
  if (i === 0) return '/';
  return path.slice(0, i);
}

/** The last segment, without `ext` if it ends with it. */
export function basename(path: string, ext = ''): string {
  const base = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  return ext && base.endsWith(ext) && base.length > ext.length ? base.slice(0, -ext.length) : base;
}

/** `dir` and `rel` joined, with `.` and `..` segments folded; `rel` wins when absolute. */
export function join(dir: string, rel: string): string {
  return normalize(isAbsolute(rel) || dir === '' ? rel : `${dir}/${rel}`);
}

/** Folds `.`, `..` and repeated separators; keeps a leading `/` or drive. */
export function normalize(path: string): string {
  const m = /^(?:[A-Za-z]:)?[\\/]/.exec(path);
  const root = m ? m[0].replace('\\', '/') : '';
  const out: string[] = [];
  for (const seg of path.slice(root.length).split(/[\\/]+/)) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else if (seg === '..' && root !== '') continue;
    else out.push(seg);
  }
  return root + out.join('/') || '.';
}
