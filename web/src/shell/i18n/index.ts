import i18next, { type BackendModule, type ReadCallback } from 'i18next';
import { initReactI18next } from 'react-i18next';
import frAuth from './locales/fr/auth.json';
import frCommon from './locales/fr/common.json';
import { LANGUAGE_STORAGE_KEY as STORAGE_KEY, lazyTranslationFiles as lazyFiles, storedLanguage } from './files.ts';
import { LANGUAGES, directionOf, type Language } from './languages.ts';
import { NAMESPACES } from './namespaces.ts';

const lazyBackend: BackendModule = {
  type: 'backend',
  init() {},
  read(language: string, namespace: string, callback: ReadCallback) {
    const load = lazyFiles[`./locales/${language}/${namespace}.json`];
    if (!load) {
      callback(new Error(`no translations for ${language}/${namespace}`), false);
      return;
    }
    load().then(
      (module) => callback(null, module.default),
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), false),
    );
  },
};

export { storedLanguage };

/** Sets <html lang dir> so the browser, screen readers and CSS logical properties follow. */
export function applyDocumentLanguage(language: Language): void {
  document.documentElement.lang = language;
  document.documentElement.dir = directionOf(language);
}

export async function changeLanguage(language: Language): Promise<void> {
  try {
    window.localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // Private mode without storage: the choice lasts for this page only.
  }
  await i18next.changeLanguage(language);
  applyDocumentLanguage(language);
}

/**
 * French (the default and fallback) ships with the first load for the sign-in screen; other
 * languages and the screens' namespaces load on demand. A missing key is reported on the
 * console (the browser tests fail on any console error) and never shown as a raw key path.
 */
export async function initI18n(): Promise<typeof i18next> {
  const language = storedLanguage();
  applyDocumentLanguage(language);
  await i18next
    .use(lazyBackend)
    .use(initReactI18next)
    .init({
      lng: language,
      fallbackLng: false,
      supportedLngs: [...LANGUAGES],
      ns: ['common', 'auth'],
      defaultNS: 'common',
      partialBundledLanguages: true,
      resources: { fr: { common: frCommon, auth: frAuth } },
      interpolation: { escapeValue: false },
      returnNull: false,
      saveMissing: true,
      missingKeyHandler: (languages, namespace, key) => {
        console.error(`missing translation ${languages.join(',')}:${namespace}:${key}`);
      },
      parseMissingKeyHandler: () => '…',
      react: { useSuspense: true },
    });
  return i18next;
}

export { DEFAULT_LANGUAGE, INTL_LOCALE, LANGUAGES, directionOf, isLanguage, type Language } from './languages.ts';
export { NAMESPACES };
