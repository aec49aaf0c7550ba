/**
 * Runs the checks of cases.ts with thrift-streams' client against a ThriftTest
 * server. Over THeader every call carries the info header x-check (the check's
 * name) and fails unless the reply carries it back as echo-x-check.
 */
import { createConnection, ThriftAppError, type ServiceClient, type ThriftModule } from '../../../src/index.js';
import type { Call, Check, ProtocolName, TransportName } from './cases.js';
import { mismatch, show, toOurs } from './values.js';

/** What every client of the suite reports, ours and the peers' alike. */
export interface ClientReport {
  passed: number;
  failed: number;
  total: number;
  failures: { name: string; error: string }[];
  /** The longest a call took, in ms: shows how loaded the machine was. */
  slowestMs: number;
}

/** Per-call budget: a server that never answers fails the check instead of hanging the suite. */
const CALL_TIMEOUT_MS = 20_000;

/** Runs `checks` in order, one connection per service, fresh ones after a failed check. */
export async function runOurClient(
  mod: ThriftModule,
  opts: { port: number; transport: TransportName; protocol: ProtocolName; multiplexed: boolean; checks: Check[] },
): Promise<ClientReport> {
  const conns = new Map<Call['service'], ServiceClient>();
  const connection = async (service: Call['service']): Promise<ServiceClient> => {
    let conn = conns.get(service);
    if (conn === undefined) {
      conn = await createConnection(mod[service], {
        host: '127.0.0.1',
        port: opts.port,
        transport: opts.transport === 'header-zlib' ? 'header' : opts.transport,
        header: opts.transport === 'header-zlib' ? { zlib: true } : undefined,
        protocol: opts.protocol,
        timeout: CALL_TIMEOUT_MS,
        service: opts.multiplexed ? service : undefined,
      });
      conns.set(service, conn);
    }
    return conn;
  };
  const closeAll = () => {
    for (const conn of conns.values()) conn.close();
    conns.clear();
  };
  const failures: ClientReport['failures'] = [];
  let slowestMs = 0;
  try {
    for (const check of opts.checks) {
      try {
        for (const c of check.calls) {
          const conn = await connection(c.service);
          const started = performance.now();
          try {
            await runCall(mod, conn, c, opts.transport.startsWith('header') ? check.name : undefined);
          } finally {
            slowestMs = Math.max(slowestMs, performance.now() - started);
          }
        }
      } catch (err) {
        failures.push({ name: check.name, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
        // The failure may have left a connection unusable; the next check gets new ones.
        closeAll();
      }
    }
  } finally {
    closeAll();
  }
  const total = opts.checks.length;
  return { passed: total - failures.length, failed: failures.length, total, failures, slowestMs: Math.round(slowestMs) };
}

class CheckFailed extends Error {
  override name = 'CheckFailed';
}

async function runCall(mod: ThriftModule, conn: ServiceClient, c: Call, headerCheck: string | undefined): Promise<void> {
  const what = `${c.method}(${c.args.map((a) => show(a)).join(', ').slice(0, 80)})`;
  const fn = (conn as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[c.method];
  if (typeof fn !== 'function') throw new CheckFailed(`the client has no method ${c.method}`);
  const args = c.args.map((a) => toOurs(mod, a));
  let value: unknown;
  let echoed: string | undefined;
  const verifyHeaders = () => {
    if (headerCheck !== undefined && !('oneway' in c.expect) && echoed !== headerCheck) {
      throw new CheckFailed(`${what}: the reply carried echo-x-check ${JSON.stringify(echoed)}, expected ${JSON.stringify(headerCheck)}`);
    }
  };
  try {
    value = headerCheck === undefined
      ? await fn.apply(conn, args)
      : await conn.call(c.method, args, { headers: { 'x-check': headerCheck }, onHeaders: (h) => (echoed = h['echo-x-check']) });
  } catch (err) {
    if (err instanceof CheckFailed) throw err;
    // An expected error is a reply too, and carries the echo; anything else is reported as it is.
    if ('throws' in c.expect || 'appError' in c.expect) verifyHeaders();
    if ('throws' in c.expect) {
      const m = mismatch(mod, err, c.expect.throws, 'error');
      if (m) throw new CheckFailed(`${what}: ${m}`, { cause: err });
      return;
    }
    if ('appError' in c.expect) {
      if (!(err instanceof ThriftAppError)) throw new CheckFailed(`${what}: expected a ThriftAppError, got ${show(err)} ${String(err)}`);
      if (err.type !== c.expect.appError.type) {
        throw new CheckFailed(`${what}: expected ThriftAppError type ${c.expect.appError.type}, got type ${err.type} (${err.message})`);
      }
      return;
    }
    throw err;
  }
  verifyHeaders();
  if ('throws' in c.expect) throw new CheckFailed(`${what}: expected ${c.expect.throws.struct}, got ${show(value)}`);
  if ('appError' in c.expect) throw new CheckFailed(`${what}: expected a ThriftAppError, got ${show(value)}`);
  if ('oneway' in c.expect) {
    // No reply ever comes: a client that waited for one fails on its call timeout.
    if (value !== undefined) throw new CheckFailed(`${what}: a oneway call resolved with ${show(value)}`);
    return;
  }
  const m = mismatch(mod, value, c.expect.returns);
  if (m) throw new CheckFailed(`${what}: ${m}`);
}
