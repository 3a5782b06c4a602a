/**
 * TST-4: docs/compliance-matrix.md has exactly one row per requirement ID of the catalogue,
 * valid statuses, and evidence that exists: every named path is in the repository, every
 * "done" row names at least one test file.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MATRIX = readFileSync(join(ROOT, 'docs', 'compliance-matrix.md'), 'utf8');

/** The catalogue (requirements REQUIREMENTS.md of the design notes): prefix → highest number. */
const CATALOGUE: Record<string, number> = { RES: 3, ENC: 7, AUTH: 8, NET: 5, APP: 7, MOB: 4, AUD: 6, INC: 6, IMP: 3, TST: 4, DOC: 4 };
const EXPECTED_IDS = Object.entries(CATALOGUE).flatMap(([prefix, last]) => Array.from({ length: last }, (_, i) => `${prefix}-${i + 1}`));

interface Row {
  id: string;
  requirement: string;
  where: string;
  tests: string;
  status: string;
}

const rows: Row[] = MATRIX.split('\n')
  .filter((line) => /^\| [A-Z]+-\d+ \|/.test(line))
  .map((line) => {
    const cells = line.split('|').slice(1, -1).map((cell) => cell.trim());
    assert.equal(cells.length, 5, `row needs 5 columns: ${line}`);
    const [id = '', requirement = '', where = '', tests = '', status = ''] = cells;
    return { id, requirement, where, tests, status };
  });

function paths(cell: string): string[] {
  return [...cell.matchAll(/`([^`]+)`/g)].map((match) => match[1] ?? '').filter((path) => /^[\w.][\w./-]*$/.test(path) && path.includes('/'));
}

test('every requirement ID of the catalogue has exactly one row, and no unknown ID has one', () => {
  const ids = rows.map((row) => row.id);
  assert.deepEqual([...ids].sort(), [...EXPECTED_IDS].sort());
  assert.equal(new Set(ids).size, ids.length, 'duplicate rows');
});

test('the catalogue in the design notes, when present beside the checkout, lists the same IDs', () => {
  const shared = join(ROOT, '..', 'shared', 'design', 'REQUIREMENTS.md');
  const text = existsSync(shared) ? readFileSync(shared, 'utf8') : '';
  const mentioned = new Set([...text.matchAll(/\b(RES|ENC|AUTH|NET|APP|MOB|AUD|INC|IMP|TST|DOC)-(\d+)\b/g)].map((match) => `${match[1]}-${match[2]}`));
  for (const id of mentioned) assert.ok(EXPECTED_IDS.includes(id), `${id} is in the catalogue but not in this test's list`);
});

test('statuses are done, partial or not started; partial says what is missing', () => {
  for (const row of rows) {
    assert.match(row.status, /^(done|partial — .+|not started)$/, `${row.id}: status "${row.status}"`);
    if (row.status === 'not started') assert.equal(row.tests, '—', `${row.id}: a row with tests is not "not started"`);
  }
});

test('a done row names at least one existing test file; every named path exists', () => {
  for (const row of rows) {
    const tests = paths(row.tests);
    if (row.status === 'done') {
      assert.ok(tests.length > 0, `${row.id} is done without a test`);
      for (const file of tests) assert.match(file, /\.test\.ts$/, `${row.id}: ${file} is not a test file`);
    }
    for (const path of [...paths(row.where), ...tests]) {
      assert.ok(existsSync(join(ROOT, path)), `${row.id}: ${path} does not exist`);
    }
  }
});
