import type { HtmlTagDescriptor, Plugin, Rollup } from 'vite';

/**
 * The first load of a shell, as few files as possible and all requested with the page.
 *
 * Each shell's entry (src/<shell>/main.tsx) runs boot.ts, then imports the shell (start.tsx)
 * dynamically, so the session check and the landing screen start before React, Mantine and
 * i18next have even downloaded (they are most of the first load). This plugin:
 *
 * - `isShellModule`: tells the `shell` chunk group (vite.config.ts) which modules the shells
 *   import statically from their start.tsx. They are loaded on every first load anyway; in one
 *   chunk instead of some twenty (a Mantine component used by the shell and by screens otherwise
 *   gets its own small chunk), each further file costing a round trip on a slow network;
 * - writes into each page a `modulepreload` link for every file of that dynamic import and a
 *   stylesheet link for its CSS, so their download starts with the HTML, not once boot ran.
 */
const ENTRY = /[\\/]src[\\/](app|admin)[\\/](main|start)\.tsx$|\.html($|\?)/;

export function firstLoad(): { plugin: Plugin; inputs: (here: (path: string) => string) => Record<string, string>; isShellModule: (id: string) => boolean } {
  const plugin: Plugin = {
    name: 'ecar-first-load',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, context) {
        const { bundle, chunk: entry } = context;
        if (!bundle || !entry) return undefined;
        const already = new Set([entry.fileName, ...entry.imports]);
        const scripts: string[] = [];
        const styles: string[] = [];
        const visit = (fileName: string) => {
          const chunk = bundle[fileName];
          if (!chunk || chunk.type !== 'chunk' || scripts.includes(fileName)) return;
          scripts.push(fileName);
          for (const css of (chunk as Rollup.OutputChunk & { viteMetadata?: { importedCss: Set<string> } }).viteMetadata?.importedCss ?? []) if (!styles.includes(css)) styles.push(css);
          for (const imported of chunk.imports) visit(imported);
        };
        for (const dynamic of entry.dynamicImports) visit(dynamic);
        const tags: HtmlTagDescriptor[] = [
          ...styles.map((css): HtmlTagDescriptor => ({ tag: 'link', attrs: { rel: 'stylesheet', crossorigin: true, href: `/${css}` }, injectTo: 'head' })),
          ...scripts.filter((file) => !already.has(file)).map((file): HtmlTagDescriptor => ({ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `/${file}` }, injectTo: 'head' })),
        ];
        return tags;
      },
    },
  };
  return {
    plugin,
    // The start modules are entries too, so that what they import statically is "initial" to the
    // bundler; they are loaded by main.tsx's dynamic import, never from a page of their own.
    inputs: (here) => ({ 'app-start': here('src/app/start.tsx'), 'admin-start': here('src/admin/start.tsx') }),
    // The entries themselves (pages, main.tsx, start.tsx) stay out of the group: each runs its own shell.
    isShellModule: (id) => !ENTRY.test(id),
  };
}
