/**
 * Counter search on sealed fields (issue 15), the pure part: how a value is normalised and which
 * terms of it are indexed. The data layer turns each term into a truncated HMAC token
 * (`FieldCipher.searchToken`); a query is normalised the same way, looked up by token, and every
 * candidate is confirmed by opening its sealed values (`matches`). docs/security/search.md says
 * what each kind of term leaks.
 */

export const SEARCH_KINDS = ['name', 'plate', 'vin', 'phone'] as const;
export type SearchKind = (typeof SEARCH_KINDS)[number];

/** Term lengths per kind: shorter queries are refused (they would match too much and leak more). */
export const TERM_LENGTHS: Record<SearchKind, { min: number; max: number }> = {
  // Prefixes of the name from each word on, words joined: "Ben Ali" → "benali", "ali".
  name: { min: 2, max: 16 },
  // Every substring of the plate without spaces: "123 TU 4567" → "123TU4567" → "TU4", "U45", "TU45", …
  plate: { min: 3, max: 6 },
  // Suffixes of the VIN (the serial part is at the end).
  vin: { min: 4, max: 8 },
  // Suffixes of the national number (8 digits after +216).
  phone: { min: 4, max: 8 },
};

const ARABIC_VARIANTS: Record<string, string> = {
  'أ': 'ا',
  'إ': 'ا',
  'آ': 'ا',
  'ٱ': 'ا',
  'ى': 'ي',
  'ئ': 'ي',
  'ی': 'ي',
  'ؤ': 'و',
  'ة': 'ه',
  'ک': 'ك',
};
const LIGATURES: Record<string, string> = { 'œ': 'oe', 'æ': 'ae', 'ß': 'ss' };

/**
 * A name as the counter types it, whatever the record holds: lower case, Latin accents and Arabic
 * diacritics (harakat, shadda) and tatweel dropped, hamza-carrying alifs, alif maqsura, ya with
 * hamza, ta marbuta folded to one letter each, punctuation and runs of spaces to one space.
 * "Ben-Ali", "BEN ALI" and "Bén Àli" give "ben ali"; "أحمد" and "احمد" give the same.
 */
export function normaliseName(value: string): string {
  const folded = value
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/\u0640/g, '')
    .toLowerCase()
    .replace(/[أإآٱىئیؤةک]/g, (letter) => ARABIC_VARIANTS[letter] ?? letter)
    .replace(/[œæß]/g, (letter) => LIGATURES[letter] ?? letter);
  return folded
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Plates and VINs: upper case letters and digits only ("123 tu 4567" → "123TU4567"); تونس counts as TU. */
export function normaliseCode(value: string): string {
  return value.replace(/تونس/g, 'TU').toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/** The national part of a phone number: digits only, without a leading +216 / 00216. */
export function normalisePhone(value: string): string {
  const digits = value.replace(/\D/g, '');
  if (digits.length > 8 && digits.startsWith('00216')) return digits.slice(5);
  if (digits.length > 8 && digits.startsWith('216')) return digits.slice(3);
  return digits;
}

export function normalise(kind: SearchKind, value: string): string {
  if (kind === 'name') return normaliseName(value);
  if (kind === 'phone') return normalisePhone(value);
  return normaliseCode(value);
}

/** Every term of a stored value that gets a token (deduplicated). */
export function termsOf(kind: SearchKind, value: string | null): string[] {
  if (value === null) return [];
  const { min, max } = TERM_LENGTHS[kind];
  const terms = new Set<string>();
  if (kind === 'name') {
    const words = normaliseName(value).split(' ').filter(Boolean);
    for (let start = 0; start < words.length; start++) {
      const joined = words.slice(start).join('');
      for (let length = min; length <= Math.min(max, joined.length); length++) terms.add(joined.slice(0, length));
    }
  } else if (kind === 'plate') {
    const code = normaliseCode(value);
    for (let length = min; length <= max; length++) for (let start = 0; start + length <= code.length; start++) terms.add(code.slice(start, start + length));
  } else {
    const code = kind === 'vin' ? normaliseCode(value) : normalisePhone(value);
    for (let length = min; length <= Math.min(max, code.length); length++) terms.add(code.slice(code.length - length));
  }
  return [...terms];
}

/**
 * The term looked up for a query (undefined when the query is too short for that kind): the
 * longest indexed piece of it — the first 16 letters of a name, the first 6 characters of a plate
 * fragment, the last 8 of a VIN or phone. The rest of a longer query is checked when confirming.
 */
export function queryTerm(kind: SearchKind, query: string): string | undefined {
  const { min, max } = TERM_LENGTHS[kind];
  const value = kind === 'name' ? normaliseName(query).replace(/ /g, '') : normalise(kind, query);
  if (value.length < min) return undefined;
  if (kind === 'name' || kind === 'plate') return value.slice(0, max);
  return value.length > max ? value.slice(value.length - max) : value;
}

/** Whether a stored (opened) value really matches the query: rules out truncated-token collisions. */
export function matches(kind: SearchKind, stored: string | null, query: string): boolean {
  if (stored === null) return false;
  if (kind === 'name') {
    const wanted = normaliseName(query).replace(/ /g, '');
    const words = normaliseName(stored).split(' ').filter(Boolean);
    return words.some((_, start) => words.slice(start).join('').startsWith(wanted));
  }
  if (kind === 'plate') return normaliseCode(stored).includes(normaliseCode(query));
  const value = normalise(kind, stored);
  return value.endsWith(normalise(kind, query));
}

/** The kinds a free-text query can be: digits can be a phone, plate or VIN fragment; letters a name, plate or VIN. */
export function kindsFor(query: string): SearchKind[] {
  return SEARCH_KINDS.filter((kind) => queryTerm(kind, query) !== undefined && (kind !== 'phone' || /^[\d\s+.-]+$/.test(query.trim())) && (kind !== 'name' || /\p{L}/u.test(query)));
}
