import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SessionDenyList } from '@ecar/bus';
import { ROUTE_TABLE, matchRoute } from '../src/route-table.ts';

describe('session deny-list', () => {
  it('holds a revoked session for one access-token lifetime (+ 60 s) after its revocation, then forgets it', () => {
    const list = new SessionDenyList(3_600_000);
    try {
      list.add('recent', new Date(Date.now() - 1_000));
      list.add('old', new Date(Date.now() - 3_600_000 - 61_000));
      assert.equal(list.has('recent'), true);
      assert.equal(list.has('old'), false, 'no token of it can be alive any more');
      assert.equal(list.has('never-revoked'), false);
      assert.equal(list.size, 1);
    } finally {
      list.close();
    }
  });
});

describe('routes a super-admin may use before enrolling MFA', () => {
  it('are only enrolment, who-am-I and sign-out', () => {
    const pending = ROUTE_TABLE.filter((rule) => rule.allowPendingMfa).map((rule) => rule.prefix).sort();
    assert.deepEqual(pending, ['/api/v1/auth/logout', '/api/v1/auth/me', '/api/v1/auth/mfa/totp']);
    assert.equal(matchRoute('/api/v1/auth/password')?.allowPendingMfa, undefined);
    assert.equal(matchRoute('/api/v1/users')?.allowPendingMfa, undefined);
    assert.equal(matchRoute('/api/v1/auth/login/mfa')?.access, 'public', 'the MFA step of sign-in needs no token');
  });
});
