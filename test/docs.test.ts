/** Every exported declaration in src/ carries a doc comment (re-exports in index files excepted). */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const src = new URL('../src/', import.meta.url).pathname;

function files(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files(path, out);
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}

test('every exported declaration has a doc comment', () => {
  const missing: string[] = [];
  for (const file of files(src)) {
    const lines = readFileSync(file, 'utf8').split('\n');
    const seen = new Set<string>();
    lines.forEach((line, i) => {
      const m = /^export (?:async )?(?:abstract )?(?:function|class|interface|type|const|let|enum) (\w+)/.exec(line);
      if (!m) return;
      // The implementation of overloaded functions shares the overloads' doc comments.
      if (seen.has(m[1])) return;
      seen.add(m[1]);
      let j = i - 1;
      while (j >= 0 && lines[j].trim() === '') j--;
      if ((lines[j]?.trim() ?? '').endsWith('*/')) return;
      missing.push(`${relative(src, file)}:${i + 1}: ${line.slice(0, 80)}`);
    });
  }
  assert.equal(missing, []);
});

test.run();
