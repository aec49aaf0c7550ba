/**
 * Lists the surviving mutants of the Stryker JSON reports under reports/mutation/ (or the files given):
 * file:line, mutator, and the replacement, one per line. Usage: node scripts/mutate-survivors.mjs [report.json...]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = new URL('../reports/mutation/', import.meta.url).pathname;
const reports = process.argv.length > 2 ? process.argv.slice(2) : readdirSync(dir).filter((f) => f.endsWith('.json') && !f.includes('incremental')).map((f) => join(dir, f));
for (const path of reports) {
  const { files } = JSON.parse(readFileSync(path, 'utf8'));
  for (const [file, { mutants }] of Object.entries(files)) {
    for (const m of mutants) {
      if (m.status !== 'Survived' && m.status !== 'NoCoverage') continue;
      console.log(`${file}:${m.location.start.line}:${m.location.start.column} ${m.mutatorName} -> ${JSON.stringify(m.replacement)}`);
    }
  }
}
