/**
 * The layer and deployable boundaries of eslint.boundaries.js fire: each fixture below is linted
 * by ESLint's Node API with the repository's own configuration, as if it were the file at
 * `path`, and must draw exactly the listed messages (allowed imports draw none).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { ESLint } from 'eslint';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const eslint = new ESLint({ cwd: ROOT });

interface Fixture {
  path: string;
  code: string;
  /** One fragment per expected boundary message, in source order; empty: the imports are allowed. */
  expected: string[];
}

const FIXTURES: Fixture[] = [
  {
    path: 'services/auth/src/api/fixture.ts',
    code: `import { findUserById } from '../data/users.ts';\nexport const lookup = findUserById;\n`,
    expected: ['api/ must not import data/'],
  },
  {
    path: 'services/billing/src/api/fixture.ts',
    code: `import type { InvoiceRow } from '../data/invoices.ts';\nexport type View = InvoiceRow;\n`,
    expected: ['api/ must not import data/'],
  },
  {
    path: 'services/audit/src/domain/anomaly/fixture.ts',
    code: `import { auditRoutes } from '../../api/routes.ts';\nimport express from 'express';\nimport amqp from 'amqplib';\nexport const all = [auditRoutes, express, amqp];\n`,
    expected: ['domain/ must not import api/', 'domain/ must not import express', 'domain/ must not import amqplib'],
  },
  {
    path: 'services/backup/src/data/fixture.ts',
    code: `export { backupRoutes } from '../api/routes.ts';\n`,
    expected: ['data/ must not import api/'],
  },
  {
    path: 'services/garage/src/domain/fixture.ts',
    code: `import { money } from '../../../billing/src/domain/money.ts';\nimport { startBillingService } from '@ecar/billing-service';\nexport const both = [money, startBillingService];\n`,
    expected: ['must not leave its deployable', 'A deployable is not a library'],
  },
  {
    path: 'gateway/src/fixture.ts',
    code: `import { loadAuthConfig } from '../../services/auth/src/config.ts';\nexport const load = loadAuthConfig;\n`,
    expected: ['must not leave its deployable'],
  },
  {
    path: 'shared/bus/src/fixture.ts',
    code: `import { auditMigrations } from '../../../services/audit/src/data/migrations.ts';\nexport const migrations = auditMigrations;\n`,
    expected: ['must not leave its shared package'],
  },
  {
    path: 'services/auth/src/api/fixture.ts',
    code: `import express from 'express';\nimport { buildEvent } from '@ecar/contracts';\nimport { LoginService } from '../domain/login.ts';\nimport { loadAuthConfig } from '../config.ts';\nexport const all = [express, buildEvent, LoginService, loadAuthConfig];\n`,
    expected: [],
  },
  {
    path: 'services/auth/src/domain/fixture.ts',
    code: `import { findUserById } from '../data/users.ts';\nimport { enqueueEvent } from '@ecar/bus';\nexport const all = [findUserById, enqueueEvent];\n`,
    expected: [],
  },
  {
    path: 'tests/e2e/fixture.test.ts',
    code: `import { authService } from '../../services/auth/src/service.ts';\nexport const start = authService.start;\n`,
    expected: [],
  },
];

async function boundaryMessages(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, filePath) });
  assert.ok(result, `no lint result for ${filePath}`);
  const other = result.messages.filter((message) => message.ruleId !== 'no-restricted-imports');
  assert.deepEqual(other, [], `${filePath}: the fixture itself must be clean apart from boundary messages`);
  return result.messages.map((message) => message.message);
}

for (const fixture of FIXTURES) {
  const title = fixture.expected.length ? `${fixture.path}: ${fixture.expected.join('; ')}` : `${fixture.path}: allowed imports pass`;
  test(title, async () => {
    const messages = await boundaryMessages(fixture.code, fixture.path);
    assert.equal(messages.length, fixture.expected.length, `messages: ${JSON.stringify(messages)}`);
    fixture.expected.forEach((fragment, index) => assert.ok(messages[index]?.includes(fragment), `message ${index}: ${messages[index]} lacks "${fragment}"`));
  });
}

test('every file of the temporary layer exceptions still breaks a layer rule (else remove it from eslint.layer-exceptions.json)', async () => {
  const exceptions = (JSON.parse(readFileSync(join(ROOT, 'eslint.layer-exceptions.json'), 'utf8')) as { files: string[] }).files;
  for (const file of exceptions) {
    // Linted as a sibling that is not excepted: same directory, so its imports mean the same.
    const messages = await boundaryMessages(readFileSync(join(ROOT, file), 'utf8'), join(dirname(file), 'layer-exception-check.ts'));
    assert.ok(messages.length > 0, `${file} no longer breaks a layer rule: remove it from eslint.layer-exceptions.json`);
  }
});
