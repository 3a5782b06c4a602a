/**
 * Amounts in French words as Tunisian invoices write them ("arrêtée la présente facture à la
 * somme de …"), traditional spelling: hyphens below one hundred, "et" in 21, 31 … 71,
 * "quatre-vingts" / "cents" plural only when they end the number and are not followed by
 * "mille" (an invariable adjective), but kept before "million(s)" / "milliard(s)" (nouns).
 */

const UNITS = [
  'zéro', 'un', 'deux', 'trois', 'quatre', 'cinq', 'six', 'sept', 'huit', 'neuf', 'dix',
  'onze', 'douze', 'treize', 'quatorze', 'quinze', 'seize', 'dix-sept', 'dix-huit', 'dix-neuf',
];
const TENS = ['', '', 'vingt', 'trente', 'quarante', 'cinquante', 'soixante', 'soixante', 'quatre-vingt', 'quatre-vingt'];

/** 1 … 99; `final` says nothing follows, so "quatre-vingts" takes its s. */
function belowHundred(n: number, final: boolean): string {
  if (n < 20) return UNITS[n]!;
  const ten = Math.floor(n / 10);
  let unit = n % 10;
  // 70-79 and 90-99 count on from soixante / quatre-vingt: soixante-douze, quatre-vingt-dix-sept.
  if (ten === 7 || ten === 9) unit += 10;
  const stem = TENS[ten]!;
  if (unit === 0) return ten === 8 && final ? 'quatre-vingts' : stem;
  if ((unit === 1 || unit === 11) && ten !== 8 && ten !== 9) return `${stem} et ${UNITS[unit]}`;
  return `${stem}-${UNITS[unit]}`;
}

/** 1 … 999. */
function belowThousand(n: number, final: boolean): string {
  const hundreds = Math.floor(n / 100);
  const rest = n % 100;
  const parts: string[] = [];
  if (hundreds === 1) parts.push('cent');
  else if (hundreds > 1) parts.push(`${UNITS[hundreds]} ${rest === 0 && final ? 'cents' : 'cent'}`);
  if (rest > 0) parts.push(belowHundred(rest, final));
  return parts.join(' ');
}

/** A non-negative integer below 10¹⁵ in words. */
export function integerToFrenchWords(value: number): string {
  if (!Number.isSafeInteger(value) || value < 0 || value >= 1e15) throw new RangeError(`cannot spell ${value}`);
  if (value === 0) return UNITS[0]!;
  const scales: Array<[number, string]> = [
    [1e12, 'billion'],
    [1e9, 'milliard'],
    [1e6, 'million'],
  ];
  const parts: string[] = [];
  let rest = value;
  for (const [size, noun] of scales) {
    const count = Math.floor(rest / size);
    rest %= size;
    // Before a noun the group is "final": deux cents millions, quatre-vingts millions.
    if (count > 0) parts.push(`${belowThousand(count, true)} ${noun}${count > 1 ? 's' : ''}`);
  }
  const thousands = Math.floor(rest / 1000);
  rest %= 1000;
  // "mille" is invariable and never preceded by "un"; before it, cent/vingt lose their s.
  if (thousands === 1) parts.push('mille');
  else if (thousands > 1) parts.push(`${belowThousand(thousands, false)} mille`);
  if (rest > 0) parts.push(belowThousand(rest, true));
  return parts.join(' ');
}

/** "mille deux cent trente-quatre dinars et cinq cent soixante millimes". */
export function amountInFrenchWords(millimes: number): string {
  if (!Number.isSafeInteger(millimes) || millimes < 0) throw new RangeError(`cannot spell ${millimes} millimes`);
  const dinars = Math.floor(millimes / 1000);
  const rest = millimes % 1000;
  const dinarWords = integerToFrenchWords(dinars);
  // "un million de dinars": a round million/milliard takes "de".
  const de = dinars > 0 && dinars % 1_000_000 === 0 ? ' de' : '';
  const dinarPart = `${dinarWords}${de} ${dinars > 1 ? 'dinars' : 'dinar'}`;
  if (rest === 0) return dinarPart;
  const millimePart = `${integerToFrenchWords(rest)} ${rest > 1 ? 'millimes' : 'millime'}`;
  return dinars === 0 ? millimePart : `${dinarPart} et ${millimePart}`;
}
