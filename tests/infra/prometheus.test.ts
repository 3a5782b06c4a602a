/**
 * Monitoring (ARCHITECTURE §9, INC-1, AUD-5, INC-6): infra/prometheus is checked by promtool,
 * scrapes every deployable, and every alert rule is unit-tested with synthetic series
 * (tests/infra/prometheus/*.promtest.yml: each alert fires when it should and stays quiet
 * otherwise).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { requireBinary } from './support/binaries.ts';

const file = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));
const CONFIG = file('../../infra/prometheus/prometheus.yml');
const RULES = file('../../infra/prometheus/alerts.yml');
const RULE_TESTS = [file('./prometheus/alerts.promtest.yml'), file('./prometheus/alerts-long.promtest.yml')];

const DEPLOYABLES: Record<string, string> = {
  gateway: 'gateway:8080',
  auth: 'auth:3001',
  garage: 'garage:3002',
  billing: 'billing:3003',
  audit: 'audit:3004',
  backup: 'backup:3005',
  notify: 'notify:3006',
};

const REQUIRED_ALERTS = [
  'EcarServiceDown',
  'EcarHighErrorRate',
  'EcarDeadLetters',
  'EcarOutboxLag',
  'EcarLoginFailureBurst',
  'EcarBackupStale',
  'EcarAuditChainBroken',
  'EcarCircuitBreakerOpen',
  'EcarSecurityAlertRaised',
  'EcarRestoreDrillStale',
];

interface ScrapeConfig {
  job_name: string;
  scheme?: string;
  metrics_path?: string;
  tls_config?: Record<string, string>;
  static_configs: { targets: string[] }[];
}

interface RuleFile {
  groups: { name: string; rules: { alert?: string; expr: string; labels?: Record<string, string>; annotations?: Record<string, string> }[] }[];
}

function promtool(args: string[]): { status: number | null; output: string } {
  const result = spawnSync(requireBinary('promtool', 'prometheus'), args, { encoding: 'utf8', timeout: 25_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('prometheus configuration', () => {
  test('promtool accepts the scrape configuration and the rule file', () => {
    const config = promtool(['check', 'config', '--syntax-only', CONFIG]);
    assert.equal(config.status, 0, config.output);
    const rules = promtool(['check', 'rules', RULES]);
    assert.equal(rules.status, 0, rules.output);
  });

  test('every deployable is scraped on its own port at /metrics over mutual TLS (the gateway too: it listens with TLS in production)', () => {
    const config = parse(readFileSync(CONFIG, 'utf8')) as { rule_files: string[]; scrape_configs: ScrapeConfig[] };
    assert.deepEqual(config.rule_files, ['alerts.yml']);
    for (const [job, target] of Object.entries(DEPLOYABLES)) {
      const scrape = config.scrape_configs.find((candidate) => candidate.job_name === job);
      assert.ok(scrape, `no scrape job for ${job}`);
      assert.deepEqual(scrape.static_configs.flatMap((s) => s.targets), [target]);
      assert.equal(scrape.metrics_path ?? '/metrics', '/metrics');
      assert.equal(scrape.scheme, 'https', `${job} is scraped in clear text`);
      assert.ok(scrape.tls_config?.['cert_file'] && scrape.tls_config['key_file'] && scrape.tls_config['ca_file'], `${job} lacks a client certificate`);
    }
  });

  test('the required alerts exist, each with a severity and a runbook', () => {
    const rules = parse(readFileSync(RULES, 'utf8')) as RuleFile;
    const alerts = rules.groups.flatMap((group) => group.rules).filter((rule) => rule.alert);
    const names = alerts.map((rule) => rule.alert);
    for (const name of REQUIRED_ALERTS) assert.ok(names.includes(name), `alert ${name} missing`);
    for (const alert of alerts) {
      assert.match(alert.labels?.['severity'] ?? '', /^(critical|warning)$/, `${alert.alert} severity`);
      assert.match(alert.annotations?.['runbook'] ?? '', /^docs\/operations\/monitoring\.md#/, `${alert.alert} runbook`);
    }
  });

  test('every runbook link points at a section of docs/operations/monitoring.md', () => {
    const rules = parse(readFileSync(RULES, 'utf8')) as RuleFile;
    const runbook = readFileSync(file('../../docs/operations/monitoring.md'), 'utf8');
    const anchors = new Set([...runbook.matchAll(/^#{2,4} (.+)$/gm)].map((match) => (match[1] ?? '').trim().toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-')));
    for (const rule of rules.groups.flatMap((group) => group.rules)) {
      const anchor = rule.annotations?.['runbook']?.split('#')[1];
      if (rule.alert) assert.ok(anchor && anchors.has(anchor), `${rule.alert}: no section #${anchor}`);
    }
  });

  test('every alert has a promtool unit test', () => {
    const rules = parse(readFileSync(RULES, 'utf8')) as RuleFile;
    const tested = RULE_TESTS.map((path) => readFileSync(path, 'utf8')).join('\n');
    for (const rule of rules.groups.flatMap((group) => group.rules)) {
      if (rule.alert) assert.match(tested, new RegExp(`alertname: ${rule.alert}\\b`), `${rule.alert} has no unit test`);
    }
  });

  test('the alert rules fire and stay quiet as the unit tests expect', () => {
    const result = promtool(['test', 'rules', ...RULE_TESTS]);
    assert.equal(result.status, 0, result.output);
  });
});
