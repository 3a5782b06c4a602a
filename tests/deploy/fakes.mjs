// Named fakes of notify's third parties for tests/deploy (compose.test.yml only, never in
// production): the SMS gateway (`http-json` provider: POST {to, from, text, reference} with a
// bearer key, over HTTPS with a test certificate) and an SMTP relay. Each message received is
// printed on stdout as one JSON line (`docker compose logs`), which the test reads.
//   node fakes.mjs sms   (HTTPS :443, FAKE_SMS_CERT, FAKE_SMS_KEY, FAKE_SMS_API_KEY)
//   node fakes.mjs smtp  (SMTP :2525, AUTH PLAIN, no STARTTLS)
import { readFileSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';

const role = process.argv[2];
const record = (entry) => process.stdout.write(`${JSON.stringify({ fake: role, ...entry })}\n`);

if (role === 'sms') {
  const apiKey = process.env.FAKE_SMS_API_KEY ?? '';
  let serial = 0;
  const server = https.createServer({ cert: readFileSync(process.env.FAKE_SMS_CERT), key: readFileSync(process.env.FAKE_SMS_KEY) }, (req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      if (req.method !== 'POST' || req.headers.authorization !== `Bearer ${apiKey}`) {
        record({ refused: req.method, path: req.url });
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"unauthorized"}');
        return;
      }
      let message;
      try {
        message = JSON.parse(body);
      } catch {
        res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"not json"}');
        return;
      }
      serial += 1;
      const id = `fake-sms-${serial}`;
      record({ id, path: req.url, to: message.to, from: message.from, text: message.text, reference: message.reference });
      res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ id }));
    });
  });
  server.listen(443, '0.0.0.0', () => record({ listening: 443 }));
} else if (role === 'smtp') {
  const server = net.createServer((socket) => {
    socket.setEncoding('utf8');
    let buffer = '';
    let data = null;
    let mail = { from: '', to: [] };
    const reply = (line) => socket.write(`${line}\r\n`);
    reply('220 smtp.example.tn ESMTP fake');
    socket.on('data', (chunk) => {
      buffer += chunk;
      let index;
      while ((index = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, index);
        buffer = buffer.slice(index + 2);
        if (data !== null) {
          if (line === '.') {
            const raw = data.join('\r\n');
            const reference = /^X-ECAR-Message:\s*(.+)$/im.exec(raw)?.[1]?.trim();
            const subject = /^Subject:\s*(.+)$/im.exec(raw)?.[1]?.trim();
            // auth's MFA enrolment mails carry a one-time code the test types in (quoted-printable leaves that line alone).
            const code = /^Code: (\d{8})\s*$/m.exec(raw)?.[1];
            record({ from: mail.from, to: mail.to, reference, subject, bytes: raw.length, ...(code ? { code } : {}) });
            data = null;
            mail = { from: '', to: [] };
            reply('250 2.0.0 queued');
          } else {
            data.push(line.startsWith('..') ? line.slice(1) : line);
          }
          continue;
        }
        const command = line.slice(0, 4).toUpperCase();
        if (command === 'EHLO') {
          socket.write('250-smtp.example.tn\r\n250-AUTH PLAIN\r\n250 8BITMIME\r\n');
        } else if (command === 'HELO') reply('250 smtp.example.tn');
        else if (command === 'AUTH') reply('235 2.7.0 authenticated');
        else if (command === 'MAIL') {
          mail.from = /<([^>]*)>/.exec(line)?.[1] ?? '';
          reply('250 2.1.0 ok');
        } else if (command === 'RCPT') {
          mail.to.push(/<([^>]*)>/.exec(line)?.[1] ?? '');
          reply('250 2.1.5 ok');
        } else if (command === 'DATA') {
          data = [];
          reply('354 end with .');
        } else if (command === 'RSET') {
          mail = { from: '', to: [] };
          reply('250 ok');
        } else if (command === 'NOOP') reply('250 ok');
        else if (command === 'QUIT') {
          reply('221 bye');
          socket.end();
        } else reply('502 5.5.2 not implemented');
      }
    });
    socket.on('error', () => undefined);
  });
  server.listen(2525, '0.0.0.0', () => record({ listening: 2525 }));
} else {
  process.stderr.write('usage: node fakes.mjs sms|smtp\n');
  process.exit(64);
}
