import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { drawBidiText, paragraphDirection, type TextCanvas } from '../src/pdf/bidi-text.ts';

/** Records what would be drawn where; every character is 5 points wide. */
function recordingCanvas(): TextCanvas & { drawn: Array<{ text: string; x: number; font: string }> } {
  let font = '';
  const canvas = {
    drawn: [] as Array<{ text: string; x: number; font: string }>,
    font(name: string) {
      font = name;
      return canvas;
    },
    fontSize() {
      return canvas;
    },
    widthOfString: (text: string) => text.length * 5,
    text(text: string, x: number) {
      canvas.drawn.push({ text, x, font });
      return canvas;
    },
  };
  return canvas;
}

const fonts = { arabic: 'Amiri', latin: 'Helvetica' };
const leftToRight = (canvas: ReturnType<typeof recordingCanvas>) => [...canvas.drawn].sort((a, b) => a.x - b.x).map((token) => token.text);

describe('bidi text for the PDF (UAX #9 display order, fonts per script)', () => {
  it('puts Arabic words right to left, each handed to fontkit in logical order', () => {
    const canvas = recordingCanvas();
    drawBidiText(canvas, 'محمد بن علي', { x: 0, y: 0, width: 500, align: 'right', fonts, size: 10 });
    assert.deepEqual(leftToRight(canvas), ['علي', 'بن', 'محمد']);
    assert.ok(canvas.drawn.every((token) => token.font === 'Amiri'));
    assert.equal(Math.max(...canvas.drawn.map((token) => token.x + token.text.length * 5)), 500, 'right-aligned');
  });

  it('keeps numbers and Latin left to right inside Arabic, and mirrors parentheses', () => {
    const canvas = recordingCanvas();
    drawBidiText(canvas, 'بطاقة (CIN 01234567)', { x: 0, y: 0, width: 500, align: 'right', fonts, size: 10 });
    assert.deepEqual(leftToRight(canvas), ['(', 'CIN', '01234567', ')', 'بطاقة']);
    assert.equal(canvas.drawn.find((token) => token.text === 'CIN')?.font, 'Helvetica');
  });

  it('a French label followed by Arabic stays a left-to-right paragraph', () => {
    assert.equal(paragraphDirection('Motif : خطأ في الفوترة'), 'ltr');
    assert.equal(paragraphDirection('12 نهج الحبيب بورقيبة'), 'rtl');
    const canvas = recordingCanvas();
    drawBidiText(canvas, 'Motif : خطأ في الفوترة', { x: 0, y: 0, width: 500, align: 'left', fonts, size: 10 });
    assert.deepEqual(leftToRight(canvas), ['Motif', ':', 'الفوترة', 'في', 'خطأ']);
  });

  it('wraps a long Arabic paragraph on words, each line right-aligned', () => {
    const canvas = recordingCanvas();
    const bottom = drawBidiText(canvas, 'ألف وأربعمائة واثنان وستون دينارا ومائتا مليم', { x: 0, y: 0, width: 80, align: 'right', fonts, size: 10, lineHeight: 15 });
    assert.ok(bottom >= 45, 'several lines');
  });
});
