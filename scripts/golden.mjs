// Rewrites test/fixtures/golden/*.json from the real peers (Debian's thrift-compiler and
// python3-thrift must be installed): runs the suites that read them with REGEN_GOLDEN=1,
// under which test/helpers/golden.ts records what the peers produce instead of checking it.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const suites = ['protocol/golden.test', 'protocol/json-golden.test', 'idl/ground-truth.test', 'idl/corpus/corpus.test'];
const r = spawnSync(process.execPath, ['--import', 'tsx', 'test/run.ts', ...suites], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, REGEN_GOLDEN: '1', REQUIRE_PEERS: '1' },
});
process.exit(r.status ?? 1);
