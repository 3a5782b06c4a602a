import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CommonPasswords } from '../src/domain/common-passwords.ts';
import { DEFAULT_PASSWORD_POLICY, passwordViolations, quickRatio, similarAttribute } from '../src/domain/password-policy.ts';

const common = CommonPasswords.load();
const isCommon = (password: string) => common.has(password);
const subject = { email: 'amira.bensalah@garage.tn', displayName: 'Amira Ben Salah' };
const codes = (password: string, who = subject) => passwordViolations(password, who, DEFAULT_PASSWORD_POLICY, isCommon).map((problem) => problem.code);

describe('password policy (AUTH-8, IMP-2)', () => {
  it('ships a common-password list of at least 10,000 entries (Django 3.2 list)', () => {
    assert.ok(common.size >= 19_000, `only ${common.size} entries`);
  });

  const table: Array<[string, string, string[]]> = [
    ['a strong password passes', 'Tajine-Sfax-2024!', []],
    ['too short', 'Ab1!xyz', ['password_too_short']],
    ['no upper case', 'tajine-sfax-2024!', ['password_no_upper']],
    ['no lower case', 'TAJINE-SFAX-2024!', ['password_no_lower']],
    ['no digit', 'Tajine-Sfax-deux!', ['password_no_digit']],
    ['no special character', 'TajineSfax2024', ['password_no_symbol']],
    ['entirely numeric (and more)', '73918264', ['password_no_upper', 'password_no_lower', 'password_no_symbol', 'password_entirely_numeric']],
    ['too long: refused, not truncated', `Aa1!${'x'.repeat(125)}`, ['password_too_long']],
    ['exactly the maximum length passes', `Aa1!${'kq7Z'.repeat(31)}`, []],
    ['similar to the e-mail address', 'Amira.Bensalah1!', ['password_too_similar']],
    ['similar to a part of the name', 'Bensalah#2', ['password_too_similar']],
    ['a common password in any case', 'Password1', ['password_no_symbol', 'password_too_common']],
  ];
  for (const [name, password, expected] of table) {
    it(name, () => {
      assert.deepEqual(codes(password), expected);
    });
  }

  it('reports every violation at once, each with a code and a message', () => {
    const problems = passwordViolations('123', subject, DEFAULT_PASSWORD_POLICY, isCommon);
    assert.deepEqual(
      problems.map((problem) => problem.code),
      ['password_too_short', 'password_no_upper', 'password_no_lower', 'password_no_symbol', 'password_entirely_numeric', 'password_too_common'],
    );
    for (const problem of problems) {
      assert.equal(problem.path, 'password');
      assert.ok(problem.message.length > 10);
    }
  });

  it("rejects what Django's CommonPasswordValidator rejects", () => {
    for (const password of ['password1', 'PASSWORD1', ' password123 ', 'qwerty', 'iloveyou', 'azerty']) assert.equal(common.has(password), true, password);
    assert.equal(common.has('Tajine-Sfax-2024!'), false);
  });

  it("computes SequenceMatcher.quick_ratio like Python's difflib", () => {
    // Values from CPython: SequenceMatcher(a=…, b=…).quick_ratio()
    assert.equal(quickRatio('amira.bensalah1!', 'amira.bensalah@garage.tn'), 0.7);
    assert.equal(quickRatio('amira.bensalah1!', 'amira'), 0.47619047619047616);
    assert.equal(quickRatio('abc', 'xyz'), 0);
  });

  it("matches Django's UserAttributeSimilarityValidator on the e-mail and its parts", () => {
    assert.equal(similarAttribute('Amira.Bensalah1!', subject, 0.7), 'e-mail address');
    assert.equal(similarAttribute('Garage.tn-99', { email: 'x@garage.tn' }, 0.7), 'e-mail address');
    assert.equal(similarAttribute('Tajine-Sfax-2024!', subject, 0.7), undefined);
    // A huge attribute is capped before comparing: the check stays cheap and cannot be inflated.
    const started = performance.now();
    similarAttribute('Zz9!'.repeat(32), { email: `${'a'.repeat(100_000)}@b.tn`, displayName: 'n '.repeat(50_000) }, 0.7);
    assert.ok(performance.now() - started < 200);
  });

  it('takes the rules from configuration', () => {
    const relaxed = { ...DEFAULT_PASSWORD_POLICY, requireSymbol: false, minLength: 12 };
    assert.deepEqual(
      passwordViolations('TajineSfax2024', subject, relaxed, isCommon).map((problem) => problem.code),
      [],
    );
    assert.deepEqual(
      passwordViolations('Tajine-24!', subject, relaxed, isCommon).map((problem) => problem.code),
      ['password_too_short'],
    );
  });
});
