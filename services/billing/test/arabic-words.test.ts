import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { amountInArabicWords, integerToArabicWords } from '../src/domain/arabic-words.ts';

describe('amounts in Arabic words (as printed under the French ones)', () => {
  it('spells the cardinals with "و" between groups', () => {
    assert.equal(integerToArabicWords(21), 'واحد وعشرون');
    assert.equal(integerToArabicWords(115), 'مائة وخمسة عشر');
    assert.equal(integerToArabicWords(1234), 'ألف ومائتان وأربعة وثلاثون');
    assert.equal(integerToArabicWords(3000), 'ثلاثة آلاف');
    assert.equal(integerToArabicWords(25_000), 'خمسة وعشرون ألفا');
    assert.equal(integerToArabicWords(2_000_000), 'مليونان');
  });

  it('gives dinar and millime the form the number governs', () => {
    assert.equal(amountInArabicWords(1_000), 'دينار واحد');
    assert.equal(amountInArabicWords(2_000), 'ديناران');
    assert.equal(amountInArabicWords(3_000), 'ثلاثة دنانير');
    assert.equal(amountInArabicWords(11_000), 'أحد عشر دينارا');
    assert.equal(amountInArabicWords(100_000), 'مائة دينار');
    assert.equal(amountInArabicWords(200), 'مائتا مليم');
    assert.equal(amountInArabicWords(2_000_000), 'ألفا دينار');
    assert.equal(amountInArabicWords(1_462_200), 'ألف وأربعمائة واثنان وستون دينارا ومائتا مليم');
    assert.equal(amountInArabicWords(124_740), 'مائة وأربعة وعشرون دينارا وسبعمائة وأربعون مليما');
    assert.equal(amountInArabicWords(1), 'مليم واحد');
    assert.equal(amountInArabicWords(0), 'صفر دينار');
  });

  it('refuses what it cannot spell', () => {
    assert.throws(() => amountInArabicWords(-1), RangeError);
    assert.throws(() => amountInArabicWords(1.5), RangeError);
  });
});
