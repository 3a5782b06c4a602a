/**
 * Amounts in Arabic words as Tunisian invoices write them ("حُصر مبلغ هذه الفاتورة في …"):
 * masculine cardinals (dinar and millime are masculine), units before tens joined by "و"
 * (خمسة وعشرون), and the counted noun in the form Arabic grammar gives it after the number:
 * singular after 1 (دينار واحد), dual after 2 (ديناران), plural after 3–10 (دنانير), accusative
 * singular after 11–99 (دينارا), genitive singular after a round hundred (مائة دينار). The same
 * rule chooses ألف / ألفان / آلاف / ألفا and مليون / مليونان / ملايين / مليونا.
 */

const UNITS = ['', 'واحد', 'اثنان', 'ثلاثة', 'أربعة', 'خمسة', 'ستة', 'سبعة', 'ثمانية', 'تسعة', 'عشرة'];
const TEENS = ['عشرة', 'أحد عشر', 'اثنا عشر', 'ثلاثة عشر', 'أربعة عشر', 'خمسة عشر', 'ستة عشر', 'سبعة عشر', 'ثمانية عشر', 'تسعة عشر'];
const TENS = ['', '', 'عشرون', 'ثلاثون', 'أربعون', 'خمسون', 'ستون', 'سبعون', 'ثمانون', 'تسعون'];
const HUNDREDS = ['', 'مائة', 'مائتان', 'ثلاثمائة', 'أربعمائة', 'خمسمائة', 'ستمائة', 'سبعمائة', 'ثمانمائة', 'تسعمائة'];

/** The four forms of a counted noun: singular, dual, plural (3–10), accusative singular (11–99). */
interface Noun {
  one: string;
  two: string;
  few: string;
  many: string;
}

const THOUSAND: Noun = { one: 'ألف', two: 'ألفان', few: 'آلاف', many: 'ألفا' };
const MILLION: Noun = { one: 'مليون', two: 'مليونان', few: 'ملايين', many: 'مليونا' };
const BILLION: Noun = { one: 'مليار', two: 'ملياران', few: 'مليارات', many: 'مليارا' };
const DINAR: Noun = { one: 'دينار', two: 'ديناران', few: 'دنانير', many: 'دينارا' };
const MILLIME: Noun = { one: 'مليم', two: 'مليمان', few: 'مليمات', many: 'مليما' };

/** 1 … 999 as a number word (no counted noun). */
function belowThousand(n: number): string {
  const hundreds = Math.floor(n / 100);
  const rest = n % 100;
  const parts: string[] = [];
  if (hundreds > 0) parts.push(HUNDREDS[hundreds]!);
  if (rest > 0 && rest <= 10) parts.push(UNITS[rest]!);
  else if (rest > 10 && rest < 20) parts.push(TEENS[rest - 10]!);
  else if (rest >= 20) {
    const unit = rest % 10;
    parts.push(unit === 0 ? TENS[Math.floor(rest / 10)]! : `${UNITS[unit]} و${TENS[Math.floor(rest / 10)]}`);
  }
  return parts.join(' و');
}

/** Before the noun it counts, a dual loses its ن (construct state): مائتا دينار, ألفا دينار. */
const construct = (words: string) => words.replace(/(مائت|ألف|مليون|مليار)ان$/, '$1ا');

/** `count` of `noun`, e.g. 1 → "ألف", 2 → "ألفان", 5 → "خمسة آلاف", 25 → "خمسة وعشرون ألفا", 300 → "ثلاثمائة ألف". */
function counted(count: number, noun: Noun, unitWordForOne = false): string {
  if (count === 1) return unitWordForOne ? `${noun.one} واحد` : noun.one;
  if (count === 2) return noun.two;
  const lastTwo = count % 100;
  const words = belowThousand(count);
  if (lastTwo >= 3 && lastTwo <= 10) return `${words} ${noun.few}`;
  if (lastTwo >= 11) return `${words} ${noun.many}`;
  return `${construct(words)} ${noun.one}`;
}

/** A positive integer below 10¹² in words (no counted noun): the groups joined by "و". */
export function integerToArabicWords(value: number): string {
  if (!Number.isSafeInteger(value) || value < 0 || value >= 1e12) throw new RangeError(`cannot spell ${value}`);
  if (value === 0) return 'صفر';
  const parts: string[] = [];
  const billions = Math.floor(value / 1e9);
  const millions = Math.floor((value % 1e9) / 1e6);
  const thousands = Math.floor((value % 1e6) / 1000);
  const rest = value % 1000;
  if (billions > 0) parts.push(counted(billions, BILLION));
  if (millions > 0) parts.push(counted(millions, MILLION));
  if (thousands > 0) parts.push(counted(thousands, THOUSAND));
  if (rest > 0) parts.push(belowThousand(rest));
  return parts.join(' و');
}

/** `n` followed by the counted noun in its grammatical form: "ثلاثة دنانير", "ألف ومائتان وأربعة وثلاثون دينارا". */
function amountOf(n: number, noun: Noun): string {
  if (n === 1) return `${noun.one} واحد`;
  if (n === 2) return noun.two;
  const lastThree = n % 1000;
  // The noun agrees with the last group; a round thousand/million already carries its own noun.
  if (lastThree === 0) return `${construct(integerToArabicWords(n))} ${noun.one}`;
  const head = n - lastThree;
  const tail = counted(lastThree, noun, true);
  return head > 0 ? `${integerToArabicWords(head)} و${tail}` : tail;
}

/** "ألف ومائتان وأربعة وثلاثون دينارا وخمسمائة وستون مليما". */
export function amountInArabicWords(millimes: number): string {
  if (!Number.isSafeInteger(millimes) || millimes < 0) throw new RangeError(`cannot spell ${millimes} millimes`);
  const dinars = Math.floor(millimes / 1000);
  const rest = millimes % 1000;
  if (dinars === 0 && rest === 0) return `صفر ${DINAR.one}`;
  const parts: string[] = [];
  if (dinars > 0) parts.push(amountOf(dinars, DINAR));
  if (rest > 0) parts.push(amountOf(rest, MILLIME));
  return parts.join(' و');
}
