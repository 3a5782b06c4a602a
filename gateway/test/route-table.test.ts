import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isCanonicalPath, matchRoute, ROUTE_TABLE } from '../src/route-table.ts';

describe('gateway route table', () => {
  it('routes only listed prefixes, the most specific first', () => {
    assert.equal(matchRoute('/api/v1/auth/login')?.access, 'public');
    assert.deepEqual(matchRoute('/api/v1/auth/me')?.access, ['super-admin', 'technician', 'customer']);
    assert.equal(matchRoute('/api/v1/audit/events')?.upstream, 'audit');
    assert.equal(matchRoute('/api/v1/auditx'), undefined);
    assert.equal(matchRoute('/api/v2/audit/events'), undefined);
    assert.equal(matchRoute('/internal/metrics'), undefined);
    assert.equal(matchRoute('/metrics'), undefined);
  });

  it('matches without regard to case, as the services route (issue 12, finding 9)', () => {
    assert.equal(matchRoute('/api/v1/AUTH/Password')?.sensitive, true, 'no escape from the sensitive limit by case');
    assert.equal(matchRoute('/API/V1/auth/LOGIN')?.prefix, '/api/v1/auth/login');
    assert.deepEqual(matchRoute('/Api/V1/Users/x')?.access, ['super-admin']);
    assert.equal(matchRoute('/api/v1/AUTH/me')?.allowPendingMfa, true);
  });

  it('keeps every admin area for super-admins only', () => {
    for (const prefix of ['/api/v1/users', '/api/v1/audit', '/api/v1/backups']) {
      assert.deepEqual(matchRoute(prefix)?.access, ['super-admin'], prefix);
    }
  });

  it('refuses paths whose meaning could differ between gateway and service', () => {
    for (const path of ['/api/v1/auth/../audit/events', '/api/v1/%2e%2e/audit', '/api/v1//audit', '/api/v1/audit%2Fevents', '/api\\v1', '/api/v1/./audit']) {
      assert.equal(isCanonicalPath(path), false, path);
    }
    assert.equal(isCanonicalPath('/api/v1/audit/events'), true);
    assert.equal(isCanonicalPath('/api/v1/customers/'), true);
  });

  it('has no duplicate prefixes', () => {
    const prefixes = ROUTE_TABLE.map((rule) => rule.prefix);
    assert.equal(new Set(prefixes).size, prefixes.length);
  });
  it('opens the maintenance book verification without sign-in under the strict limit, and a customer only their own access records (issue 15)', () => {
    const book = matchRoute('/api/v1/public/maintenance-book/verifications');
    assert.equal(book?.access, 'public');
    assert.equal(book?.upstream, 'garage');
    assert.equal(book?.sensitive, true);
    assert.equal(matchRoute('/api/v1/public/other'), undefined, 'nothing else is public under /api/v1/public');
    assert.deepEqual(matchRoute('/api/v1/audit/me/reads')?.access, ['customer']);
    assert.deepEqual(matchRoute('/api/v1/audit/meta')?.access, ['super-admin'], 'a prefix matches whole segments');
    assert.deepEqual(matchRoute('/api/v1/audit/events')?.access, ['super-admin']);
  });
});
