/**
 * The Debian (and npm-shipped) peers some suites run against, each detected once per
 * process. A suite whose peer is missing is skipped by name with the command that
 * installs it, and test/run.ts counts it; under REQUIRE_PEERS=1 (set by .ci/run) a
 * missing peer is a failure instead, so CI never skips silently.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** A program outside npm's reach (or shipped by an optional npm package) that a suite talks to. */
export type Peer = 'thrift-compiler' | 'python3-thrift' | 'chromium' | 'zookeeper' | 'bun' | 'deno';

/** Debian's python3-thrift is installed for the system interpreter only, not a pyenv one on PATH. */
export const SYSTEM_PYTHON = '/usr/bin/python3';
/** Where Debian's chromium package puts the browser. */
export const CHROMIUM = '/usr/bin/chromium';
/** Where Debian's zookeeper package puts the server. */
export const ZOOKEEPER_JAR = '/usr/share/java/zookeeper.jar';

const require = createRequire(import.meta.url);

/** The path of the binary an npm package ships, or undefined when the package is not installed. */
function npmBinary(pkg: string, file: string): string | undefined {
  try {
    const path = join(dirname(require.resolve(`${pkg}/package.json`)), file);
    return existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

function runsBinary(path: string | undefined): boolean {
  return path !== undefined && runs(path, ['--version']);
}

function runs(command: string, args: string[]): boolean {
  const r = spawnSync(command, args, { stdio: 'ignore', timeout: 20_000 });
  return r.error === undefined && r.status === 0;
}

const probes: Record<Peer, { install: string; present: () => boolean }> = {
  'thrift-compiler': { install: 'apt-get install thrift-compiler', present: () => runs('thrift', ['--version']) },
  'python3-thrift': { install: 'apt-get install python3-thrift', present: () => runs(SYSTEM_PYTHON, ['-c', 'import thrift']) },
  chromium: { install: 'apt-get install chromium', present: () => existsSync(CHROMIUM) },
  zookeeper: { install: 'apt-get install zookeeper', present: () => existsSync(ZOOKEEPER_JAR) && runs('java', ['-version']) },
  // Installed is not enough: the packages ship linux-x64 binaries, which another platform installs with --force but cannot run.
  bun: { install: 'npm install (devDependency @oven/bun-linux-x64)', present: () => runsBinary(bunPath()) },
  deno: { install: 'npm install (devDependency @deno/linux-x64-glibc)', present: () => runsBinary(denoPath()) },
};

/** The bun binary from the @oven/bun-linux-x64 devDependency, if installed. */
export function bunPath(): string | undefined {
  return npmBinary('@oven/bun-linux-x64', 'bin/bun');
}

/** The deno binary from the @deno/linux-x64-glibc devDependency, if installed. */
export function denoPath(): string | undefined {
  return npmBinary('@deno/linux-x64-glibc', 'deno');
}

const known = new Map<Peer, boolean>();

/** One suite (or check) left out because a peer is missing. */
export interface PeerSkip {
  /** The missing peers, comma-separated. */
  peer: string;
  install: string;
  what: string;
}

/** Every skip of this process, in order; test/run.ts prints and counts them. */
export const peerSkips: PeerSkip[] = ((globalThis as Record<string, unknown>).__thriftStreamsPeerSkips ??= []) as PeerSkip[];

/** Checks against a peer that failed outside any test (a stale golden fixture); test/run.ts prints and counts them. */
export const peerFailures: string[] = ((globalThis as Record<string, unknown>).__thriftStreamsPeerFailures ??= []) as string[];

/** Whether REQUIRE_PEERS=1 turns a missing peer into a failure. */
export const peersRequired = process.env.REQUIRE_PEERS === '1';

/** Whether `peer` is installed, probed once per process. */
export function present(peer: Peer): boolean {
  let ok = known.get(peer);
  if (ok === undefined) known.set(peer, (ok = probes[peer].present()));
  return ok;
}

/** True when every peer is installed; otherwise records `what` as skipped, naming the missing ones, and returns false. */
export function has(peers: Peer | Peer[], what: string): boolean {
  const missing = (Array.isArray(peers) ? peers : [peers]).filter((p) => !present(p));
  if (missing.length === 0) return true;
  const apt = missing.filter((p) => probes[p].install.startsWith('apt-get install '));
  const install = [
    ...(apt.length ? [`apt-get install ${apt.map((p) => probes[p].install.slice('apt-get install '.length)).join(' ')}`] : []),
    ...missing.filter((p) => !apt.includes(p)).map((p) => probes[p].install),
  ].join('; ');
  peerSkips.push({ peer: missing.join(', '), install, what });
  return false;
}

/** Thrown by needs() to leave a whole test file out; test/run.ts catches it. */
export class PeerMissing extends Error {
  override name = 'PeerMissing';
}

/**
 * Leaves the calling test file out (it throws PeerMissing, which test/run.ts catches)
 * unless every peer is installed. Call it right after the imports, before any test.
 */
export function needs(peers: Peer | Peer[], what: string): void {
  if (!has(peers, what)) throw new PeerMissing(`${what} needs ${peerSkips.at(-1)!.peer}`);
}
