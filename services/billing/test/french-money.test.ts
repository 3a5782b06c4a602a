import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { amountInFrenchWords, integerToFrenchWords } from '../src/domain/french-words.ts';
import { isMatriculeFiscal, normaliseMatriculeFiscal } from '../src/domain/matricule-fiscal.ts';
import { divideRoundHalfUp, formatQuantity, formatRate, formatTnd } from '../src/domain/money.ts';

describe('TND formatting (French locale)', () => {
  const cases: Array<[number, string]> = [
    [0, '0,000 TND'],
    [5, '0,005 TND'],
    [1000, '1,000 TND'],
    [600, '0,600 TND'],
    [1_234_560, '1 234,560 TND'],
    [999_999_999, '999 999,999 TND'],
    [1_000_000_000, '1 000 000,000 TND'],
    [-1_234_560, '-1 234,560 TND'],
  ];
  for (const [millimes, text] of cases) it(`${millimes} millimes → ${text}`, () => assert.equal(formatTnd(millimes), text));

  it('takes a narrow no-break space as separator when asked', () => assert.equal(formatTnd(1_234_560, '\u202f'), '1\u202f234,560 TND'));
  it('refuses a non-integer amount', () => assert.throws(() => formatTnd(1.5), RangeError));
  it('formats rates and quantities', () => {
    assert.equal(formatRate(1900), '19 %');
    assert.equal(formatRate(1250), '12,5 %');
    assert.equal(formatQuantity(1500), '1,5');
    assert.equal(formatQuantity(2000), '2');
    assert.equal(formatQuantity(1), '0,001');
  });
  it('rounds half up', () => {
    assert.equal(divideRoundHalfUp(5n, 10n), 1n);
    assert.equal(divideRoundHalfUp(4n, 10n), 0n);
    assert.equal(divideRoundHalfUp(15n, 10n), 2n);
    assert.equal(divideRoundHalfUp(149n, 100n), 1n);
  });
});

describe('numbers in French words', () => {
  const cases: Array<[number, string]> = [
    [0, 'zéro'],
    [1, 'un'],
    [16, 'seize'],
    [17, 'dix-sept'],
    [21, 'vingt et un'],
    [22, 'vingt-deux'],
    [31, 'trente et un'],
    [61, 'soixante et un'],
    [70, 'soixante-dix'],
    [71, 'soixante et onze'],
    [77, 'soixante-dix-sept'],
    [80, 'quatre-vingts'],
    [81, 'quatre-vingt-un'],
    [90, 'quatre-vingt-dix'],
    [91, 'quatre-vingt-onze'],
    [99, 'quatre-vingt-dix-neuf'],
    [100, 'cent'],
    [101, 'cent un'],
    [180, 'cent quatre-vingts'],
    [200, 'deux cents'],
    [201, 'deux cent un'],
    [280, 'deux cent quatre-vingts'],
    [1000, 'mille'],
    [1001, 'mille un'],
    [2000, 'deux mille'],
    [80_000, 'quatre-vingt mille'],
    [200_000, 'deux cent mille'],
    [1_234, 'mille deux cent trente-quatre'],
    [1_000_000, 'un million'],
    [2_000_000, 'deux millions'],
    [80_000_000, 'quatre-vingts millions'],
    [200_000_000, 'deux cents millions'],
    [1_000_001, 'un million un'],
    [2_300_021, 'deux millions trois cent mille vingt et un'],
    [1_000_000_000, 'un milliard'],
  ];
  for (const [value, words] of cases) it(`${value} → ${words}`, () => assert.equal(integerToFrenchWords(value), words));

  it('spells amounts in dinars and millimes', () => {
    assert.equal(amountInFrenchWords(1_234_560), 'mille deux cent trente-quatre dinars et cinq cent soixante millimes');
    assert.equal(amountInFrenchWords(1_000), 'un dinar');
    assert.equal(amountInFrenchWords(1_001), 'un dinar et un millime');
    assert.equal(amountInFrenchWords(600), 'six cents millimes');
    assert.equal(amountInFrenchWords(80_000), 'quatre-vingts dinars');
    assert.equal(amountInFrenchWords(2_000_000_000), 'deux millions de dinars');
    assert.equal(amountInFrenchWords(0), 'zéro dinar');
  });
  it('refuses what it cannot spell', () => {
    assert.throws(() => amountInFrenchWords(-1), RangeError);
    assert.throws(() => integerToFrenchWords(1.5), RangeError);
  });
});

describe('matricule fiscal (format check)', () => {
  const valid: Array<[string, string]> = [
    ['1234567/A/B/M/000', '1234567/A/B/M/000'],
    ['1234567ABM000', '1234567/A/B/M/000'],
    ['1234567 a b m 000', '1234567/A/B/M/000'],
    ['1234567/Z', '1234567/Z'],
    ['1234567Z', '1234567/Z'],
  ];
  for (const [input, normalised] of valid) it(`accepts ${input}`, () => assert.equal(normaliseMatriculeFiscal(input), normalised));
  const invalid = ['1234567/I/B/M/000', '1234567/O/B/M/000', '1234567/U/B/M/000', '123456/A/B/M/000', '1234567/A/B/M/00', '1234567', 'ABCDEFG/A/B/M/000', '12345678/A/B/M/000', ''];
  for (const input of invalid) it(`refuses ${JSON.stringify(input)}`, () => assert.equal(isMatriculeFiscal(input), false));
});
