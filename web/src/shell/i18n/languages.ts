/** The UI languages (no i18next here: plain data that node tests and the build can import). */
export const LANGUAGES = ['fr', 'ar', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'fr';

/** Locale used by Intl for each UI language (Tunisian French and Arabic; British English). */
export const INTL_LOCALE: Record<Language, string> = { fr: 'fr-TN', ar: 'ar-TN', en: 'en-GB' };

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

export function directionOf(language: Language): 'rtl' | 'ltr' {
  return language === 'ar' ? 'rtl' : 'ltr';
}

