import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { boundaryConfigs } from './eslint.boundaries.js';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'data/**', 'gateway/public/vendor/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'error',
      eqeqeq: ['error', 'always'],
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
    },
  },
  {
    files: ['scripts/**', 'bench/**', '**/test/**', 'tests/**'],
    rules: { 'no-console': 'off' },
  },
  ...boundaryConfigs(),
  {
    // The web app runs in the browser. API strings are rendered as text only (APP-3): no raw
    // HTML sinks anywhere in it.
    files: ['web/src/**/*.ts', 'web/src/**/*.tsx'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      // These Mantine components write <style> elements at run time, which the CSP refuses
      // (style-src 'self', docs/web.md): use Stack/Group and CSS modules instead.
      'no-restricted-imports': [
        'error',
        { paths: [{ name: '@mantine/core', importNames: ['AppShell', 'Flex', 'Grid', 'SimpleGrid', 'InlineStyles', 'ColorSchemeScript'], message: 'Injects inline <style>/<script>: refused by the CSP (docs/web.md).' }] },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']", message: 'Render API data as text (APP-3).' },
        { selector: "MemberExpression[property.name=/^(innerHTML|outerHTML)$/]", message: 'Render API data as text (APP-3).' },
        { selector: "CallExpression[callee.property.name=/^(insertAdjacentHTML|write|writeln)$/]", message: 'Render API data as text (APP-3).' },
      ],
    },
  },
  {
    // A missing translation is reported on the console: the browser tests fail on console errors.
    files: ['web/src/shell/i18n/index.ts'],
    rules: { 'no-console': ['error', { allow: ['error'] }] },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
  },
);
