import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

const SYSTEM_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/**
 * The absolute path of a system tool, or an error that says which Debian package provides it
 * (scripts/lib-system-deps.sh installs them for CI). Tests fail rather than skip.
 */
export function requireBinary(name: string, aptPackage: string): string {
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter).filter(Boolean), ...SYSTEM_DIRS];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  throw new Error(`${name} is not installed: run \`apt-get install -y ${aptPackage}\` (listed in scripts/lib-system-deps.sh)`);
}
