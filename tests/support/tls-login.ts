import https from 'node:https';

/**
 * A failed sign-in sent straight to auth's login route over TLS, with whatever client identity
 * and source address `tls` holds (certificate, key, CA, `localAddress`) and a chosen
 * `X-Forwarded-For`: how the client-address tests (issue 12, finding 1) ask auth which address it
 * believes. Resolves with the status code.
 */
export function loginWithForwardedFor(authUrl: string | URL, tls: https.RequestOptions, forwardedFor: string, email: string): Promise<number> {
  const body = JSON.stringify({ email, password: 'Wrong-password-42!', client: 'mobile' });
  return new Promise((resolve, reject) => {
    const request = https.request(
      new URL('/api/v1/auth/login', authUrl),
      {
        ...tls,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-forwarded-for': forwardedFor },
        timeout: 10_000,
      },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', reject);
    request.end(body);
  });
}
