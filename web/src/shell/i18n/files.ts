import { DEFAULT_LANGUAGE, isLanguage, type Language } from './languages.ts';

/**
 * Each namespace file of each language is its own small chunk, fetched when first needed (French
 * common and auth ship with the first load: i18n/index.ts). In the boot chunk, so that the
 * landing screen's translations can be requested before the rest of the app has evaluated.
 */
export const lazyTranslationFiles = import.meta.glob<{ default: Record<string, unknown> }>(['./locales/*/*.json', '!./locales/fr/common.json', '!./locales/fr/auth.json']);

export const LANGUAGE_STORAGE_KEY = 'ecar.language';

export function storedLanguage(): Language {
  try {
    const stored = window.localStorage.getItem(LANGUAGE_STORAGE_KEY);
    return isLanguage(stored) ? stored : DEFAULT_LANGUAGE;
  } catch {
    return DEFAULT_LANGUAGE;
  }
}
