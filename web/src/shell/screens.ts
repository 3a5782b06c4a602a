import type { Role } from '@ecar/contracts';
import type { TFunction } from 'i18next';
import type { ComponentType } from 'react';
import type { QueryValue } from './api/url.ts';
import type { Namespace } from './i18n/namespaces.ts';

/**
 * One screen of a shell. Register it in src/admin/screens.ts or src/app/screens.ts; the shell
 * builds the router, the navigation, the role check and the lazy chunk from this entry.
 */
export interface Screen {
  /** Path under the shell's base ('' is the shell's home), React Router syntax (`customers/:id`). */
  path: string;
  /** Who may open it. The back end decides anyway (AUTH-6); hiding is for the user (AUTH-5). */
  roles: readonly Role[] | 'public';
  /** The screen's module, loaded on first visit (code splitting per route). */
  load: () => Promise<{ default: ComponentType }>;
  /** Translation namespaces the screen uses: loaded before it renders. */
  namespaces?: readonly Namespace[];
  /** Present to list it in the navigation, for the roles above. */
  nav?: { label: (t: TFunction) => string };
  /**
   * 'shell': the screen uses only components whose CSS is in the first-load stylesheet
   * (createShell.tsx), so it renders without waiting for Mantine's whole stylesheet.
   */
  styles?: 'shell';
  /**
   * GET requests the screen makes first, started with the session check when the page opens on
   * it (shell/boot.ts): each answer seeds the query cache under `key`, which must be the key the
   * screen's own query uses. Plain GETs; one that fails is simply fetched again by the screen.
   */
  early?: () => readonly EarlyQuery[];
}

export interface EarlyQuery {
  key: readonly unknown[];
  path: string;
  query?: Record<string, QueryValue>;
}

export type ShellArea = 'admin' | 'app';

export const SHELL_BASE: Record<ShellArea, string> = { admin: '/admin', app: '/app' };

/** The shell a role belongs in: super-admins in the back office, everyone else in the public shell. */
export function shellOf(role: Role): ShellArea {
  return role === 'super-admin' ? 'admin' : 'app';
}
