// Builds dist/: ESM and CommonJS file-for-file with esbuild, .d.ts with tsc.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function sources(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sources(path, out);
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

rmSync('dist', { recursive: true, force: true });
const entryPoints = sources('src');
const common = { entryPoints, outbase: 'src', bundle: false, platform: 'neutral', target: 'es2022', sourcemap: true, logLevel: 'warning' };
await build({ ...common, outdir: 'dist/esm', format: 'esm' });
await build({ ...common, outdir: 'dist/cjs', format: 'cjs' });
// The .js files under dist/cjs are CommonJS; this marker tells Node so.
writeFileSync('dist/cjs/package.json', '{ "type": "commonjs" }\n');
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
console.log(`built ${entryPoints.length} modules into dist/esm, dist/cjs and dist/types`);
