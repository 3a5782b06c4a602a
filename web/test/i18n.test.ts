import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const LOCALES = fileURLToPath(new URL('../src/shell/i18n/locales', import.meta.url));
const LANGUAGES = ['fr', 'ar', 'en'];

/** Every leaf key of a translation file, dotted (`signIn.title`). */
function keysOf(value: unknown, prefix = ''): string[] {
  if (typeof value === 'string') return [prefix];
  assert.ok(value && typeof value === 'object' && !Array.isArray(value), `${prefix}: a string or an object of strings`);
  return Object.entries(value).flatMap(([key, child]) => keysOf(child, prefix ? `${prefix}.${key}` : key));
}

function read(language: string, file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(`${LOCALES}/${language}/${file}`, 'utf8')) as Record<string, unknown>;
}

function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Object.values(value as Record<string, unknown>).flatMap(stringsOf);
}

describe('translations: French, Arabic and English are complete', () => {
  const files = LANGUAGES.map((language) => readdirSync(`${LOCALES}/${language}`).sort());

  it('every language has the same namespace files', () => {
    for (const [index, language] of LANGUAGES.entries()) assert.deepEqual(files[index], files[0], `${language} namespaces`);
    const registered = readFileSync(fileURLToPath(new URL('../src/shell/i18n/namespaces.ts', import.meta.url)), 'utf8');
    for (const file of files[0]!) assert.match(registered, new RegExp(`\\b${file.replace('.json', '')}: typeof`), `${file} is registered in namespaces.ts`);
  });

  for (const file of readdirSync(`${LOCALES}/fr`).sort()) {
    it(`${file}: the same keys in fr, ar and en, none empty, placeholders kept`, () => {
      const reference = keysOf(read('fr', file)).sort();
      for (const language of LANGUAGES.slice(1)) {
        const keys = keysOf(read(language, file)).sort();
        assert.deepEqual(
          { missing: reference.filter((key) => !keys.includes(key)), extra: keys.filter((key) => !reference.includes(key)) },
          { missing: [], extra: [] },
          `${language}/${file} against fr/${file}`,
        );
      }
      for (const language of LANGUAGES) {
        const data = read(language, file);
        for (const key of keysOf(data)) {
          const text = key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], data) as string;
          assert.ok(text.trim().length > 0, `${language}/${file} ${key} is empty`);
          const frText = key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], read('fr', file)) as string;
          const placeholders = (value: string) => [...value.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((match) => match[1]).sort();
          assert.deepEqual(placeholders(text), placeholders(frText), `${language}/${file} ${key} keeps the placeholders of French`);
        }
      }
    });
  }

  it('Arabic is written in Arabic script, not left in French or English', () => {
    for (const file of readdirSync(`${LOCALES}/ar`)) {
      const texts = stringsOf(read('ar', file)).filter((text) => /[A-Za-z]{4,}/.test(text) && !/[\u0600-\u06ff]/.test(text));
      // Names of languages and the product are the same in every language.
      assert.deepEqual(texts.filter((text) => !['ECAR', 'Français', 'English'].includes(text)), [], `ar/${file}`);
    }
  });
});
