import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/**
 * A generated first password goes to a file only its owner may read (0600), never to the logs
 * or the terminal (container logs are kept and shipped; finding 9 of issue 12). Written to a
 * temporary file first and renamed, so a reader never sees half of it. Returns the absolute path.
 */
export async function writeGeneratedPassword(path: string, password: string): Promise<string> {
  const target = resolve(path);
  await mkdir(dirname(target), { recursive: true, mode: 0o700 });
  const temporary = `${target}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, `${password}\n`, { mode: 0o600, flag: 'wx' });
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  return target;
}

/** What auth prints once when it generated the first password: where it is, not what it is. */
export function generatedPasswordNotice(email: string, path: string): string {
  return `\n=== First super-admin created ===\n  e-mail:   ${email}\n  password: in ${path} (mode 0600; read it, then delete the file and change the password after the first login)\n\n`;
}
