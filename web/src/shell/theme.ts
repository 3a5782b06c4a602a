import { createTheme } from '@mantine/core';

/**
 * One theme for both shells. Latin text uses the system font stack (nothing to download);
 * Arabic uses the self-hosted Noto Sans Arabic (RES-3: no CDN), loaded only for Arabic glyphs
 * through its unicode-range.
 */
export const theme = createTheme({
  primaryColor: 'blue',
  // Shade 8 (#1971c2) keeps primary text and buttons at ≥ 4.5:1 contrast on white (WCAG AA).
  primaryShade: 8,
  fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans Arabic', 'DejaVu Sans', sans-serif",
  headings: { fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans Arabic', 'DejaVu Sans', sans-serif" },
  defaultRadius: 'sm',
  // Visible focus for keyboard users everywhere (accessibility), not only after a key press.
  focusRing: 'auto',
});
