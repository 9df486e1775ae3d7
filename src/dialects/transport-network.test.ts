/**
 * Real targets' network: HTTPS with a CA of one's own (`--ca`, and `NODE_EXTRA_CA_CERTS`), and `HTTP(S)_PROXY` /
 * `NO_PROXY` honoured, against a local TLS server with a self-made CA and a local proxy (both on loopback).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, request as httpRequest, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect as netConnect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProviderServer, type RunningProvider } from '../provider/server.ts';
import { runCli } from '../testing/cli.ts';
import { configureTransport, makeDispatcher, sendWire } from './transport.ts';

const dir = mkdtempSync(join(tmpdir(), 'vmconform-tls-'));
const pem = (name: string): string => join(dir, name);
let provider: RunningProvider;
let tls: Server;
let tlsPort = 0;
let proxy: Server;
let proxyUrl = '';
const proxied: string[] = [];

function openssl(args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

beforeAll(async () => {
  // A CA of our own, and a server certificate it signs for 127.0.0.1, localhost and vmconform.test.
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=vmconform test CA']);
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1']);
  writeFileSync(pem('san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:vmconform.test\n');
  openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'san.ext']);
  provider = await startProviderServer({ dialect: 'zenlayer-vm', transitionMs: 100 });
  const backend = new URL(provider.url);
  // The TLS front: every request forwarded to the reference provider (so the CLI can run real cases over HTTPS).
  tls = createHttpsServer({ key: readFileSync(pem('server.key')), cert: readFileSync(pem('server.pem')) }, (req, res) => {
    const upstream = httpRequest({ host: backend.hostname, port: backend.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
  tlsPort = (tls.address() as AddressInfo).port;
  // A forward proxy: absolute-form HTTP requests and CONNECT tunnels, for any host name, always to 127.0.0.1.
  proxy = createHttpServer((req, res) => {
    proxied.push(`${req.method ?? ''} ${req.url ?? ''}`);
    const target = new URL(req.url ?? '/');
    const upstream = httpRequest({ host: '127.0.0.1', port: target.port, method: req.method, path: target.pathname + target.search, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(upstream);
  });
  proxy.on('connect', (req, socket, head) => {
    proxied.push(`CONNECT ${req.url ?? ''}`);
    const port = Number((req.url ?? '').split(':')[1]);
    const upstream = netConnect(port, '127.0.0.1', () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});

afterAll(async () => {
  configureTransport({});
  tls.closeAllConnections();
  proxy.closeAllConnections();
  await Promise.all([provider.close(), new Promise((r) => tls.close(r)), new Promise((r) => proxy.close(r))]);
});

const status = { method: 'POST' as const, headers: { 'content-type': 'application/json', 'x-zc-action': 'DescribeInstancesStatus' }, body: '{"instanceIds":["vm-1"]}' };

describe('HTTPS with a CA of your own', () => {
  it('refuses a certificate no trusted CA signed, and accepts it with --ca', async () => {
    configureTransport({});
    const refused = await sendWire({ ...status, url: `https://127.0.0.1:${tlsPort}/api/v2/vm` }, 5_000);
    expect(refused.transportError).toMatch(/certificate|self.signed/i);
    configureTransport({ caFiles: [pem('ca.pem')] });
    const ok = await sendWire({ ...status, url: `https://127.0.0.1:${tlsPort}/api/v2/vm` }, 5_000);
    expect(ok.response?.status).toBe(200);
    configureTransport({});
  });

  it('a CA file that cannot be read is a usage error', () => {
    expect(() => makeDispatcher({ caFiles: [pem('missing.pem')] })).toThrow(/cannot read the CA file/);
  });

  it('vmconform run: fails the preflight without the CA, passes with --ca, and with NODE_EXTRA_CA_CERTS', async () => {
    const target = `https://127.0.0.1:${tlsPort}`;
    const args = ['run', '--dialect', 'zenlayer-vm', '--target', target, '--grep', '^stop\\.single$'];
    const without = await runCli([...args, '--report-dir', join(dir, 'r1')]);
    expect(without.code).toBe(1);
    expect(without.stderr).toMatch(/preflight failed: the target does not answer HTTP: .*(certificate|self.signed)/i);
    const withCa = await runCli([...args, '--ca', pem('ca.pem'), '--report-dir', join(dir, 'r2')]);
    expect([withCa.code, withCa.stderr]).toEqual([0, '']);
    const withEnv = await runCli([...args, '--report-dir', join(dir, 'r3')], { NODE_EXTRA_CA_CERTS: pem('ca.pem') });
    expect([withEnv.code, withEnv.stderr]).toEqual([0, '']);
  });

  it('vmconform pact verify --ca: the preflight and Pact\'s verifier (in its child process) both trust the CA', async () => {
    const args = ['pact', 'verify', '--dialect', 'zenlayer-vm', '--target', `https://127.0.0.1:${tlsPort}`, '--grep', '^stop\\.single$'];
    const withCa = await runCli([...args, '--ca', pem('ca.pem'), '--report-dir', join(dir, 'p1')]);
    expect([withCa.code, withCa.stderr], withCa.stdout).toEqual([0, '']);
    expect(withCa.stdout).toMatch(/1 cases: 1 passed, 0 failed/);
  });
});

describe('proxies from the environment', () => {
  it('HTTP_PROXY carries plain HTTP to a remote host; NO_PROXY and loopback go direct', async () => {
    const port = new URL(provider.url).port;
    configureTransport({ env: { HTTP_PROXY: proxyUrl } });
    proxied.length = 0;
    const viaProxy = await sendWire({ ...status, url: `http://vmconform.test:${port}/api/v2/vm` }, 5_000);
    expect(viaProxy.response?.status).toBe(200);
    // undici tunnels plain HTTP through the proxy too (CONNECT); either way the proxy carried it.
    expect(proxied).toEqual([expect.stringMatching(new RegExp(`^(POST http://vmconform\\.test:${port}/api/v2/vm|CONNECT vmconform\\.test:${port})$`))]);
    const direct = await sendWire({ ...status, url: `http://127.0.0.1:${port}/api/v2/vm` }, 5_000);
    expect(direct.response?.status).toBe(200);
    expect(proxied).toHaveLength(1);
    configureTransport({ env: { HTTP_PROXY: proxyUrl, NO_PROXY: 'vmconform.test' } });
    const bypass = await sendWire({ ...status, url: `http://vmconform.test:${port}/api/v2/vm` }, 5_000);
    expect(bypass.transportError).toMatch(/ENOTFOUND|EAI_AGAIN|getaddrinfo/);
    expect(proxied).toHaveLength(1);
    configureTransport({});
  });

  it('HTTPS_PROXY tunnels TLS (CONNECT) to a remote host, the CA still checked', async () => {
    configureTransport({ env: { HTTPS_PROXY: proxyUrl }, caFiles: [pem('ca.pem')] });
    proxied.length = 0;
    const viaTunnel = await sendWire({ ...status, url: `https://vmconform.test:${tlsPort}/api/v2/vm` }, 5_000);
    expect(viaTunnel.response?.status).toBe(200);
    expect(proxied).toEqual([`CONNECT vmconform.test:${tlsPort}`]);
    configureTransport({ env: { HTTPS_PROXY: proxyUrl } });
    const untrusted = await sendWire({ ...status, url: `https://vmconform.test:${tlsPort}/api/v2/vm` }, 5_000);
    expect(untrusted.transportError).toMatch(/certificate|self.signed/i);
    configureTransport({});
  });
});
