import bidiFactory from 'bidi-js';

const bidi = bidiFactory();

const ARABIC = /[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]/;

export const hasArabic = (text: string) => ARABIC.test(text);

const FIRST_STRONG = /[A-Za-z\u00C0-\u024F\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]/;

/** The paragraph direction of UAX #9 (rules P2, P3): that of its first strong letter ("Motif : …" is left-to-right). */
export function paragraphDirection(text: string): 'ltr' | 'rtl' {
  const first = FIRST_STRONG.exec(text)?.[0];
  return first && ARABIC.test(first) ? 'rtl' : 'ltr';
}

/** What a text drawer needs from PDFKit (a subset of PDFKit.PDFDocument, so tests can measure without a page). */
export interface TextCanvas {
  font(name: string): this;
  fontSize(size: number): this;
  widthOfString(text: string): number;
  text(text: string, x: number, y: number, options: { lineBreak: false; baseline: 'alphabetic' }): this;
}

/** The fonts of one style: Arabic script in an embedded font that has its glyphs and shaping, the rest in the Latin one. */
export interface FontPair {
  arabic: string;
  latin: string;
}

/** A piece of a line in visual order: drawn in one go with one font. */
interface Token {
  text: string;
  font: string;
  space: boolean;
}

/**
 * A logical line in visual order (UAX #9 through bidi-js), cut into tokens: runs of one direction
 * and one script, spaces apart. A right-to-left Arabic run is handed to PDFKit in logical order:
 * fontkit shapes it (initial, medial, final forms, lam-alef) and lays its glyphs out right to left.
 * Other characters at a right-to-left level are drawn one by one, mirrored where Unicode says so
 * (parentheses).
 */
function visualTokens(text: string, base: 'ltr' | 'rtl', fonts: FontPair): Token[] {
  const levels = bidi.getEmbeddingLevels(text, base);
  const order = Array.from({ length: text.length }, (_, index) => index);
  for (const [start, end] of bidi.getReorderSegments(text, levels)) {
    const flipped = order.slice(start, end + 1).reverse();
    order.splice(start, flipped.length, ...flipped);
  }
  const tokens: Token[] = [];
  let current: { indices: number[]; rtl: boolean; arabic: boolean; space: boolean } | undefined;
  const flush = () => {
    if (!current) return;
    const logical = current.rtl ? [...current.indices].reverse() : current.indices;
    const chars = logical.map((index) => {
      const character = text[index]!;
      return current!.rtl && !current!.arabic ? (bidi.getMirroredCharacter(character) ?? character) : character;
    });
    tokens.push({ text: chars.join(''), font: current.arabic ? fonts.arabic : fonts.latin, space: current.space });
    current = undefined;
  };
  for (const index of order) {
    const character = text[index]!;
    const rtl = (levels.levels[index]! & 1) === 1;
    const arabic = ARABIC.test(character);
    const space = character === ' ';
    // Neutral characters at a right-to-left level that are not Arabic are kept one per token, so mirroring and order stay exact.
    const joins = current && current.rtl === rtl && current.arabic === arabic && current.space === space && !space && (arabic || !rtl);
    if (!joins) flush();
    if (!current) current = { indices: [], rtl, arabic, space };
    current.indices.push(index);
  }
  flush();
  return tokens;
}

function tokenWidth(canvas: TextCanvas, token: Token, size: number): number {
  return canvas.font(token.font).fontSize(size).widthOfString(token.text);
}

export function lineWidth(canvas: TextCanvas, text: string, fonts: FontPair, size: number, base: 'ltr' | 'rtl' = paragraphDirection(text)): number {
  return visualTokens(text, base, fonts).reduce((sum, token) => sum + tokenWidth(canvas, token, size), 0);
}

/** Greedy word wrap of a logical string at `width` (a word longer than the width gets a line of its own). */
export function wrapLogical(canvas: TextCanvas, text: string, fonts: FontPair, size: number, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word;
    if (line && lineWidth(canvas, candidate, fonts, size) > width) {
      lines.push(line);
      line = word;
    } else {
      line = candidate;
    }
  }
  if (line) lines.push(line);
  return lines;
}

export interface BidiTextOptions {
  x: number;
  y: number;
  width: number;
  align: 'left' | 'right';
  fonts: FontPair;
  size: number;
  /** Paragraph direction; default that of the first strong letter. */
  base?: 'ltr' | 'rtl';
  lineHeight?: number;
}

/** Draws a paragraph (wrapped, each line reordered for display); returns the y below it. */
export function drawBidiText(canvas: TextCanvas, text: string, options: BidiTextOptions): number {
  const base = options.base ?? paragraphDirection(text);
  const lineHeight = options.lineHeight ?? options.size * 1.5;
  let y = options.y;
  for (const line of wrapLogical(canvas, text, options.fonts, options.size, options.width)) {
    const tokens = visualTokens(line, base, options.fonts);
    const width = tokens.reduce((sum, token) => sum + tokenWidth(canvas, token, options.size), 0);
    let x = options.align === 'right' ? options.x + options.width - width : options.x;
    for (const token of tokens) {
      const advance = tokenWidth(canvas, token, options.size);
      // One baseline for both fonts (Amiri's ascent is much taller than Helvetica's): y is the line's top, as in PDFKit.
      if (!token.space) canvas.font(token.font).fontSize(options.size).text(token.text, x, y + options.size, { lineBreak: false, baseline: 'alphabetic' });
      x += advance;
    }
    y += lineHeight;
  }
  return y;
}
