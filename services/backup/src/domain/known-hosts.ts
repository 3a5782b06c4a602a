import { createHash, createHmac } from 'node:crypto';

/** `SHA256:<base64, no padding>` of an SSH public key blob, as `ssh-keygen -lf` prints it. */
export function sshFingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

function hostMatches(pattern: string, names: readonly string[]): boolean {
  if (pattern.startsWith('|1|')) {
    // Hashed entry (HashKnownHosts): |1|base64(salt)|base64(HMAC-SHA1(salt, name)).
    const [, , salt, hash] = pattern.split('|');
    if (!salt || !hash) return false;
    return names.some((name) => createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash);
  }
  return pattern.split(',').some((entry) => names.includes(entry.toLowerCase()));
}

/**
 * Fingerprints of the keys an OpenSSH known_hosts text lists for `host:port` (plain or hashed
 * names; `[host]:port` for a port other than 22). Markers (@cert-authority, @revoked) and
 * comments are skipped: only plain pinned keys count.
 */
export function knownHostFingerprints(text: string, host: string, port: number): string[] {
  const lower = host.toLowerCase();
  const names = port === 22 ? [lower, `[${lower}]:22`] : [`[${lower}]:${port}`];
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith('@')) continue;
    const [hosts, , key] = line.split(/\s+/);
    if (!hosts || !key || !hostMatches(hosts, names)) continue;
    out.push(sshFingerprint(Buffer.from(key, 'base64')));
  }
  return out;
}
