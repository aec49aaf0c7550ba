/**
 * A throwaway certificate authority for the TLS tests, made with `openssl` in a
 * temp dir: a CA, a server certificate for 127.0.0.1/localhost, and client
 * certificates from the CA and from a second, untrusted CA.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** PEM material for a test. */
export interface TestPki {
  ca: string;
  serverKey: string;
  serverCert: string;
  clientKey: string;
  clientCert: string;
  /** A client certificate signed by a CA the server does not trust. */
  strangerKey: string;
  strangerCert: string;
  /** Removes the temp dir. */
  remove(): void;
}

function openssl(cwd: string, ...args: string[]): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function key(cwd: string, name: string): void {
  openssl(cwd, 'genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`);
}

function ca(cwd: string, name: string): void {
  key(cwd, name);
  openssl(cwd, 'req', '-x509', '-new', '-key', `${name}.key`, '-subj', `/CN=${name}`, '-days', '1', '-out', `${name}.pem`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
}

function leaf(cwd: string, name: string, issuer: string, ext: string): void {
  key(cwd, name);
  openssl(cwd, 'req', '-new', '-key', `${name}.key`, '-subj', `/CN=${name}`, '-out', `${name}.csr`);
  writeFileSync(join(cwd, `${name}.ext`), ext);
  openssl(cwd, 'x509', '-req', '-in', `${name}.csr`, '-CA', `${issuer}.pem`, '-CAkey', `${issuer}.key`, '-CAcreateserial',
    '-days', '1', '-out', `${name}.pem`, '-extfile', `${name}.ext`);
}

/** Makes the CA and certificates; throws if `openssl` is missing. */
export function makePki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'thrift-pki-'));
  ca(dir, 'ca');
  ca(dir, 'stranger-ca');
  leaf(dir, 'server', 'ca', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  leaf(dir, 'client', 'ca', 'extendedKeyUsage=clientAuth\n');
  leaf(dir, 'stranger', 'stranger-ca', 'extendedKeyUsage=clientAuth\n');
  const read = (f: string): string => readFileSync(join(dir, f), 'utf8');
  return {
    ca: read('ca.pem'),
    serverKey: read('server.key'),
    serverCert: read('server.pem'),
    clientKey: read('client.key'),
    clientCert: read('client.pem'),
    strangerKey: read('stranger.key'),
    strangerCert: read('stranger.pem'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
