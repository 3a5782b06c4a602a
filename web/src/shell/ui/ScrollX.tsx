import type { ReactNode } from 'react';
import classes from './shell.module.css';

/**
 * Lets wide content (tables) scroll sideways inside itself so the page never does; it can take
 * the focus so keyboard users can scroll it too (axe: scrollable-region-focusable).
 */
export function ScrollX({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className={classes.scrollX} tabIndex={0} role="region" aria-label={label} data-scroll-x>
      {children}
    </div>
  );
}
