// The entry: boot.ts (no dependency) runs as soon as its small chunk is in and starts the session
// check, the landing screen and its translations; the shell (React, Mantine, i18next: most of the
// first load) is a dynamic import, so none of that waits for it to download. Its files are
// preloaded from the HTML (build/first-load.ts), so their download starts with the page.
import './boot.ts';

void import('./start.tsx');
