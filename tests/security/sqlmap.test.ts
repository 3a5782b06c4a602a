import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '@ecar/testkit';
import { call, loginAsAdmin, startStack, ADMIN_EMAIL, type Stack } from '../support/stack.ts';

let stack: Stack;
let outputDir: string;

/**
 * sqlmap (Debian package) against the running stack: every parameter it tests must come out
 * "not injectable". Boolean, error and UNION techniques at level 2; time-based blind is left
 * out to keep the suite fast (every parameter is bound through parameterised SQL anyway).
 */
function sqlmap(args: string[]): Promise<string> {
  // Asynchronous: the stack under test runs in this process and must keep answering.
  const child = spawn(
    'sqlmap',
    ['--batch', '--flush-session', '--disable-coloring', '--technique=BEU', '--level=2', '--risk=1', '--threads=4', '--timeout=10', '--retries=0', `--output-dir=${outputDir}`, ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), 240_000);
  return new Promise((resolve, reject) => {
    child.on('error', (error) => reject(new Error(`sqlmap did not run (install the Debian package sqlmap): ${error.message}`)));
    child.on('close', () => {
      clearTimeout(killer);
      resolve(output);
    });
  });
}

function assertNotInjectable(output: string, parameters: string[]): void {
  assert.doesNotMatch(output, /is vulnerable|appears to be .*injectable(?! )|sqlmap identified the following injection point/i, output.slice(-3000));
  for (const parameter of parameters) {
    assert.match(output, new RegExp(`parameter '${parameter.replace(/[[\]]/g, '\\$&')}' does not (seem|appear) to be injectable`, 'i'), `${parameter} was not reported as tested:\n${output.slice(-3000)}`);
  }
}

describe('SQL injection scan with sqlmap (TST-1)', () => {
  before(async () => {
    outputDir = mkdtempSync(join(tmpdir(), 'ecar-sqlmap-'));
    stack = await startStack('sqlmap', { RATE_LIMIT_PER_IP: '1000000', RATE_LIMIT_PER_USER: '1000000', RATE_LIMIT_LOGIN_PER_IP: '1000000' });
  });
  after(async () => {
    await stack?.stop();
    rmSync(outputDir, { recursive: true, force: true });
  });

  it('finds no injectable parameter in the audit query filters', async () => {
    const { accessToken } = await loginAsAdmin(stack.gateway.url);
    // Classic tautologies first: with a stored login event, a filter value that is spliced into
    // SQL instead of bound would return rows for an actor that does not exist.
    await waitFor(async () => ((await call(stack.gateway.url, '/api/v1/audit/events', { token: accessToken })).body['items'] as unknown[]).length > 0 || undefined, {
      what: 'the admin sign-in in the audit log',
    });
    for (const payload of ["nobody' OR '1'='1", "nobody' OR 1=1--", 'nobody" OR "1"="1', "x'||'"]) {
      const answer = await call(stack.gateway.url, `/api/v1/audit/events?actor=${encodeURIComponent(payload)}`, { token: accessToken });
      assert.ok(answer.status === 400 || (answer.status === 200 && (answer.body['items'] as unknown[]).length === 0), `${payload} → ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`);
    }
    {
      const output = await sqlmap([
        '-u',
        `${stack.gateway.url}/api/v1/audit/events?actor=abc&type=auth.login.failed&subject=user`,
        '-p',
        'actor,type,subject',
        `--headers=Authorization: Bearer ${accessToken}`,
      ]);
      assertNotInjectable(output, ['actor', 'type', 'subject']);
    }
  });

  it('finds no injectable parameter in the login body', async () => {
    const output = await sqlmap([
      '-u',
      `${stack.gateway.url}/api/v1/auth/login`,
      `--data={"email":"${ADMIN_EMAIL}","password":"x"}`,
      '--headers=Content-Type: application/json',
      '--ignore-code=401,423,429',
      '-p',
      'JSON email,JSON password',
    ]);
    assertNotInjectable(output, ['JSON email', 'JSON password']);
  });
});
