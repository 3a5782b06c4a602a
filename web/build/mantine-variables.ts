import { DEFAULT_THEME, convertCssVariables, defaultCssVariablesResolver, mergeMantineTheme } from '@mantine/core';
import type { Plugin } from 'vite';
import { theme } from '../src/shell/theme.ts';

const VIRTUAL_ID = 'virtual:ecar/mantine-variables.css';
const RESOLVED_ID = `\0${VIRTUAL_ID}`;

/**
 * Mantine normally writes its theme's CSS variables into a <style> element at run time. The CSP
 * admits only style files from 'self' (no 'unsafe-inline', no nonce), so the same variables are
 * computed here at build time and shipped as part of the hashed stylesheet; the provider runs
 * with withCssVariables={false} and withGlobalClasses={false} (docs/web.md).
 */
export function mantineVariablesCss(): Plugin {
  return {
    name: 'ecar-mantine-variables',
    resolveId(id) {
      return id === VIRTUAL_ID ? RESOLVED_ID : undefined;
    },
    load(id) {
      if (id !== RESOLVED_ID) return undefined;
      const merged = mergeMantineTheme(DEFAULT_THEME, theme);
      const variables = defaultCssVariablesResolver(merged);
      const scheme = convertCssVariables({ variables: {}, light: { '--mantine-color-scheme': 'light' }, dark: { '--mantine-color-scheme': 'dark' } }, ':root');
      return `${convertCssVariables(variables, ':root')}\n${scheme}\n`;
    },
  };
}
