// The TLS fixtures of test/fixtures/tls/ (test-only keys and certificates, made by its make.sh): a test
// CA, and server certificates that are good, self-signed, expired or for another host, all with one key.

import { readFileSync } from 'node:fs';
import { fixture } from './paths.js';

/** TLS_DIR is the folder of the TLS fixtures. */
export const TLS_DIR = fixture('tls');

/** pem reads a fixture of test/fixtures/tls/ by its name without `.pem`. */
export function pem(name: 'ca' | 'server' | 'self-signed' | 'expired' | 'wrong-host'): string {
  return readFileSync(`${TLS_DIR}/${name}.pem`, 'utf8');
}

/** SERVER_KEY is the private key of every server certificate of the fixtures (test only). */
export const SERVER_KEY = readFileSync(`${TLS_DIR}/server.key`, 'utf8');

/** serverTls is the key and certificate chain a test HTTPS server presents. */
export function serverTls(cert: string): { key: string; cert: string } {
  return { key: SERVER_KEY, cert };
}
