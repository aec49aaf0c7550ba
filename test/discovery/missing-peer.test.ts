/** Discovery without its optional peer package: a typed error that names what to install, at once. */
import { execFileSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const root = new URL('../..', import.meta.url).pathname;

// Makes `node-zookeeper-client` unresolvable in the child, as on a machine that never installed it.
const hide = `data:text/javascript,${encodeURIComponent(`
  import { register } from 'node:module';
  register('data:text/javascript,' + encodeURIComponent(\`
    export async function resolve(specifier, context, next) {
      if (specifier === 'node-zookeeper-client') {
        throw Object.assign(new Error("Cannot find package 'node-zookeeper-client'"), { code: 'ERR_MODULE_NOT_FOUND' });
      }
      return next(specifier, context);
    }\`));
`)}`;

test('createDiscoveryClient and a registering server fail with MissingDependencyError naming node-zookeeper-client', () => {
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--import', hide, '--input-type=module', '-e', `
    const t = await import(${JSON.stringify(root + 'src/index.ts')});
    const mod = t.loadSource('service S { i32 f() }');
    const results = [];
    for (const attempt of [
      () => t.createDiscoveryClient(mod.S, { zookeeper: { connect: '127.0.0.1:1', path: '/s' } }),
      () => t.createServer(mod.S, { f: () => 1 }, { port: 0, zookeeper: { connect: '127.0.0.1:1', path: '/s' } }),
    ]) {
      try {
        await attempt();
        results.push('resolved');
      } catch (e) {
        results.push([e instanceof t.MissingDependencyError, e.code, e.name, e.packageName, /npm install node-zookeeper-client/.test(e.message)]);
      }
    }
    console.log(JSON.stringify(results));
  `], { cwd: root, encoding: 'utf8' });
  const expected = [true, 'MISSING_DEPENDENCY', 'MissingDependencyError', 'node-zookeeper-client', true];
  assert.equal(JSON.parse(out), [expected, expected]);
});

test.run();
