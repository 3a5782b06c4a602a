import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Keyring } from '@ecar/crypto';
import { FieldCipher, SEARCH_TOKEN_BITS } from '../src/data/field-cipher.ts';
import { kindsFor, matches, normaliseName, queryTerm, termsOf } from '../src/domain/search-terms.ts';

describe('search terms (issue 15)', () => {
  it('normalises French and Arabic names: case, accents, punctuation, spaces, Arabic letter variants, harakat and tatweel', () => {
    assert.equal(normaliseName('  Bén-ALI   Hédi '), 'ben ali hedi');
    assert.equal(normaliseName('Cœur'), 'coeur');
    assert.equal(normaliseName('أحمد'), normaliseName('احمد'));
    assert.equal(normaliseName('إيمان'), 'ايمان');
    assert.equal(normaliseName('مُحَمَّد'), 'محمد');
    assert.equal(normaliseName('محـــمد'), 'محمد');
    assert.equal(normaliseName('فاطمة'), 'فاطمه');
    assert.equal(normaliseName('مصطفى'), 'مصطفي');
  });

  it('indexes name prefixes from each word on, plate substrings of 3–6, VIN and phone suffixes of 4–8', () => {
    assert.deepEqual(termsOf('name', 'Ben Ali'), ['be', 'ben', 'bena', 'benal', 'benali', 'al', 'ali']);
    assert.ok(termsOf('plate', '145 TU 4521').includes('TU45'));
    assert.ok(!termsOf('plate', '145 TU 4521').some((term) => term.length > 6 || term.length < 3));
    assert.deepEqual(termsOf('vin', 'VF1RFB00X56789012'), ['9012', '89012', '789012', '6789012', '56789012']);
    assert.deepEqual(termsOf('phone', '+21622345678'), ['5678', '45678', '345678', '2345678', '22345678']);
    assert.equal(termsOf('name', 'X').length, 0);
  });

  it('a query is looked up by its longest indexed piece and confirmed in full', () => {
    assert.equal(queryTerm('name', 'Ben Ali'), 'benali');
    assert.equal(queryTerm('plate', '145 tu 4521'), '145TU4');
    assert.equal(queryTerm('phone', '+216 22 345 678'), '22345678');
    assert.equal(queryTerm('phone', '567'), undefined);
    assert.equal(queryTerm('vin', '1234567'), '1234567');
    assert.ok(matches('name', 'Mohamed Ben Ali', 'ben a'));
    assert.ok(!matches('name', 'Mohamed Ben Ali', 'ben alia'));
    assert.ok(matches('plate', '145 TU 4521', 'tu 45'));
    assert.ok(!matches('vin', 'VF1RFB00X56789012', '9011'));
    assert.deepEqual(kindsFor('Ben Ali'), ['name', 'plate', 'vin']);
    assert.deepEqual(kindsFor('5678'), ['plate', 'vin', 'phone']);
  });

  it('tokens are truncated HMACs under a key derived from the keyring: another key gives other tokens', () => {
    const a = new FieldCipher(new Keyring({ k1: Buffer.alloc(32, 1), k2: Buffer.alloc(32, 2) }, 'k2'), Buffer.alloc(32, 3));
    const token = a.searchToken('name', 'benali');
    assert.ok(Number.isInteger(token) && token >= 0 && token < 2 ** SEARCH_TOKEN_BITS);
    assert.equal(a.searchToken('name', 'benali', 'k2'), token);
    assert.notEqual(a.searchToken('name', 'benali', 'k1'), token);
    assert.notEqual(a.searchToken('phone', 'benali'), token, 'the kind is part of the HMAC input');
  });
});
