/**
 * Scanning and review wiring (APP-5, APP-6, APP-7, AUD-6, TST-2): the CI workflow runs the
 * test suite against real PostgreSQL and RabbitMQ, fails on high advisories, runs CodeQL and
 * Trivy on a schedule; Dependabot covers every ecosystem; the PR template carries the
 * security checklist and CODEOWNERS requires a security reviewer. This proves the wiring is
 * in the repository, not that GitHub runs it (that lives in the repository settings).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { parse } from 'yaml';

const read = (path: string) => readFileSync(fileURLToPath(new URL(`../../${path}`, import.meta.url)), 'utf8');

interface Workflow {
  on: { schedule?: { cron: string }[]; pull_request?: unknown; push?: unknown };
  jobs: Record<string, { services?: Record<string, { image: string }>; steps: { run?: string; uses?: string; with?: Record<string, string> }[] }>;
}

const workflow = parse(read('.github/workflows/ci.yml')) as Workflow;
const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);

test('CI runs on pushes, pull requests and a nightly schedule', () => {
  assert.ok('push' in workflow.on && 'pull_request' in workflow.on);
  assert.ok((workflow.on.schedule ?? []).length > 0, 'no scheduled run: new advisories would go unnoticed');
});

test('CI runs npm test against real PostgreSQL and RabbitMQ service containers', () => {
  const job = Object.values(workflow.jobs).find((candidate) => candidate.steps.some((step) => /npm test/.test(step.run ?? '')));
  assert.ok(job, 'no job runs npm test');
  assert.match(job.services?.['postgres']?.image ?? '', /^postgres:15/);
  assert.match(job.services?.['rabbitmq']?.image ?? '', /^rabbitmq:3\.13/);
  assert.ok(job.steps.some((step) => /lib-system-deps\.sh/.test(step.run ?? '')), 'the edge/infra tools are not installed');
});

test('CI fails on high or critical npm advisories and runs CodeQL and Trivy', () => {
  assert.ok(steps.some((step) => /npm audit --audit-level=high/.test(step.run ?? '')));
  assert.ok(steps.some((step) => step.uses?.startsWith('github/codeql-action/analyze')));
  const trivy = steps.filter((step) => step.uses?.startsWith('aquasecurity/trivy-action'));
  assert.ok(trivy.some((step) => step.with?.['image-ref']), 'no image scan');
  assert.ok(trivy.every((step) => step.with?.['exit-code'] === '1'), 'a Trivy finding must fail the job');
});

test('Dependabot updates npm, Docker images and GitHub Actions every week', () => {
  const config = parse(read('.github/dependabot.yml')) as { updates: { 'package-ecosystem': string; schedule: { interval: string } }[] };
  const ecosystems = new Map(config.updates.map((update) => [update['package-ecosystem'], update.schedule.interval]));
  for (const ecosystem of ['npm', 'docker', 'github-actions']) assert.equal(ecosystems.get(ecosystem), 'weekly', ecosystem);
});

test('every change needs the security checklist and a security reviewer', () => {
  const template = read('.github/pull_request_template.md');
  assert.match(template, /docs\/security\/code-review-checklist\.md/);
  assert.ok((template.match(/- \[ \]/g) ?? []).length >= 8, 'the checklist is missing from the PR template');
  assert.match(read('.github/CODEOWNERS'), /^\*\s+@\S+\/security-reviewers/m);
});
