// Builds dist/: ESM and CommonJS file-for-file with esbuild, .d.ts with tsc. The
// declarations are written twice: dist/types for the `import` condition (ESM, as the
// package is "type": "module") and beside the CommonJS files in dist/cjs, whose
// package.json says "type": "commonjs", so TypeScript reads them as CommonJS there.
// One copy would make a `"module": "node16"` CommonJS consumer fail with TS1479.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

function files(dir, keep, out = []) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files(path, keep, out);
    else if (keep(name)) out.push(path);
  }
  return out;
}
const sources = (dir) => files(dir, (name) => name.endsWith('.ts') && !name.endsWith('.d.ts'));

rmSync('dist', { recursive: true, force: true });
const entryPoints = sources('src');
const common = { entryPoints, outbase: 'src', bundle: false, platform: 'neutral', target: 'es2022', sourcemap: true, logLevel: 'warning' };
await build({ ...common, outdir: 'dist/esm', format: 'esm' });
await build({ ...common, outdir: 'dist/cjs', format: 'cjs' });
// The .js files under dist/cjs are CommonJS; this marker tells Node so.
writeFileSync('dist/cjs/package.json', '{ "type": "commonjs" }\n');
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
for (const dts of files('dist/types', (name) => name.endsWith('.d.ts'))) {
  const to = join('dist/cjs', relative('dist/types', dts));
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(dts, to);
}
console.log(`built ${entryPoints.length} modules into dist/esm, dist/cjs and dist/types`);
