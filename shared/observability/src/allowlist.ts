/** RES-3: an outbound destination is allowed only when its host (or host:port) is listed. */
export function isAllowedDestination(url: URL, allowlist: readonly string[]): boolean {
  const host = url.hostname.toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : url.protocol === 'http:' ? '80' : '');
  return allowlist.some((entry) => {
    const wanted = entry.toLowerCase();
    return wanted === host || wanted === `${host}:${port}`;
  });
}

export class DestinationNotAllowedError extends Error {
  constructor(variable: string, host: string) {
    super(`${variable}: host ${host} is not on OUTBOUND_ALLOWLIST (RES-3); add it there or use another destination`);
    this.name = 'DestinationNotAllowedError';
  }
}

/** Throws at start when `value` (a URL) points at a host that is not allow-listed. */
export function assertAllowedDestination(variable: string, value: string, allowlist: readonly string[]): URL {
  const url = new URL(value);
  if (!isAllowedDestination(url, allowlist)) throw new DestinationNotAllowedError(variable, url.host);
  return url;
}
