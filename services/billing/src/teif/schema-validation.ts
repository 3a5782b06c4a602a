import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The TEIF schema ECAR validates against (written from the specification: see the file's header). */
export const TEIF_SCHEMA_PATH = fileURLToPath(new URL('./teif-1.8.8.xsd', import.meta.url));

export type SchemaVerdict = { valid: true } | { valid: false; errors: string[] };

/**
 * Validates a TEIF document with libxml2's `xmllint --schema` (libxml2-utils), the same tool an
 * accountant or TTN's onboarding desk would run. The document goes through standard input, never a
 * temporary file; network access is off (`--nonet`), so a document cannot make the validator fetch.
 */
export function validateTeif(xml: string, schemaPath: string = TEIF_SCHEMA_PATH): Promise<SchemaVerdict> {
  return new Promise((resolve, reject) => {
    const child = execFile('xmllint', ['--noout', '--nonet', '--schema', schemaPath, '-'], { maxBuffer: 1024 * 1024, timeout: 20_000 }, (error, _stdout, stderr) => {
      if (!error) return resolve({ valid: true });
      // Exit status 3 and 4 are "the document does not validate" / "not well-formed"; anything else is the tool failing.
      const code = typeof error.code === 'number' ? error.code : undefined;
      if (code === 1 || code === 3 || code === 4) {
        const errors = stderr.split('\n').filter((line) => line.trim() && !/ fails to validate$/.test(line));
        return resolve({ valid: false, errors: errors.length > 0 ? errors.map((line) => line.replace(/^-:/, 'line ')) : [stderr.trim()] });
      }
      reject(new Error(`xmllint could not validate the TEIF document: ${error.message}`));
    });
    child.stdin?.end(xml);
  });
}
