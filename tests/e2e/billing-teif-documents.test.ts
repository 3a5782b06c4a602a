import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import forge from 'node-forge';
import { SigningIdentityError, signingIdentityFromPkcs12 } from '../../services/billing/src/signature/seller-certificate.ts';
import { signTeif } from '../../services/billing/src/signature/xades.ts';
import { validateTeif } from '../../services/billing/src/teif/schema-validation.ts';
import { teifXml, type TeifSource } from '../../services/billing/src/teif/teif-document.ts';
import { createTestSigningCa, verifyWithXmlsec } from '../support/teif-test-ca.ts';

const seller = { name: 'Garage El Amen SARL', address: '14 rue de Marseille, 1000 Tunis', taxId: '1234567/A/B/M/000', tradeRegister: 'B01234562020' };
const totals = (base: number, rateBp: number, stamp: number) => {
  const vat = Math.round((base * rateBp) / 10_000);
  return { vat: [{ rateBp, baseMillimes: base, vatMillimes: vat }], totalHtMillimes: base, totalVatMillimes: vat, stampMillimes: stamp, totalTtcMillimes: base + vat + stamp };
};
const line = (description: string, base: number, rateBp: number) => ({ kind: 'part' as const, description, quantityMilli: 1000, unitPriceMillimes: base, vatRateBp: rateBp, amountHtMillimes: base });

/** Documents ECAR can issue: company and person buyers, each VAT rate, exempt stamp, partial and full credit notes, Arabic text. */
const FIXTURES: TeifSource[] = [
  { kind: 'invoice', number: 'FA-2026-000001', issueDate: '2026-01-02', seller, buyer: { name: 'Transports Salah SARL', kind: 'company', taxId: '7654321/B/A/M/000', address: 'Sfax', stampExempt: false }, lines: [line('Vidange', 86_000, 1900)], totals: totals(86_000, 1900, 1000) },
  { kind: 'invoice', number: 'FA-2026-000002', issueDate: '2026-02-28', seller, buyer: { name: 'أميرة بن سالم', kind: 'person', cin: '01234567', address: 'أريانة', stampExempt: false }, lines: [line('تغيير الزيت', 20_000, 700)], totals: totals(20_000, 700, 1000) },
  { kind: 'invoice', number: 'FA-2026-000003', issueDate: '2026-12-31', seller, buyer: { name: 'Ministère <Équipement> & "Habitat"', kind: 'company', taxId: '0000001/A/P/M/000', stampExempt: true }, lines: [line('Pneu', 240_000, 1300)], totals: totals(240_000, 1300, 0) },
  { kind: 'credit-note', number: 'AV-2026-000001', issueDate: '2026-03-01', seller, buyer: { name: 'Transports Salah SARL', kind: 'company', taxId: '7654321/B/A/M/000', stampExempt: false }, lines: [line('Remise', 10_000, 1900)], totals: totals(10_000, 1900, 0), corrects: { number: 'FA-2026-000001', issueDate: '2026-01-02' } },
  { kind: 'credit-note', number: 'AV-2026-000002', issueDate: '2026-03-02', seller, buyer: { name: 'أميرة بن سالم', kind: 'person', cin: '01234567', stampExempt: false }, lines: [line('Annulation', 20_000, 700)], totals: totals(20_000, 700, 1000), corrects: { number: 'FA-2026-000002', issueDate: '2026-02-28' } },
];

describe('TEIF documents: schema (xmllint) and XAdES-BES signature (xmlsec1), independent of the signer', () => {
  const ca = createTestSigningCa();

  it('every fixture passes the schema before and after signing, and its signature verifies', async () => {
    const identity = await signingIdentityFromPkcs12(ca.sellerP12, ca.password);
    for (const source of FIXTURES) {
      const xml = teifXml(source);
      assert.deepEqual(await validateTeif(xml), { valid: true }, source.number);
      const signed = await signTeif(xml, identity, new Date('2026-03-05T09:00:00Z'));
      assert.deepEqual(await validateTeif(signed), { valid: true }, `${source.number} signed`);
      assert.deepEqual(await verifyWithXmlsec(signed, ca.caPem), { valid: true }, `${source.number} signature`);
      assert.ok(signed.includes('<xades:SigningTime>2026-03-05T09:00:00'), 'signing time is a signed property');
    }
  });

  it('the schema refuses what TEIF does not allow', async () => {
    const xml = teifXml(FIXTURES[0]!);
    const cases: Array<[string, string]> = [
      ['<Amount currencyIdentifier="TND">86.000</Amount>', '<Amount currencyIdentifier="TND">86.00</Amount>'],
      ['<Amount currencyIdentifier="TND">86.000</Amount>', '<Amount currencyIdentifier="EUR">86.000</Amount>'],
      ['type="I-01">7654321BAM000', 'type="I-01">7654321OAM000'],
      ['<DocumentType code="I-11">', '<DocumentType code="I-99">'],
      ['functionCode="I-31">020126', 'functionCode="I-31">320126'],
      ['<InvoiceMoa>', '<InvoiceMoa><Unexpected/>'],
    ];
    for (const [from, to] of cases) {
      assert.ok(xml.includes(from), from);
      const verdict = await validateTeif(xml.replace(from, to));
      assert.equal(verdict.valid, false, `${to} should not validate`);
    }
  });

  it('a seller certificate is refused when its password is wrong, its key is weak, or it has expired', async () => {
    await assert.rejects(signingIdentityFromPkcs12(ca.sellerP12, 'wrong-password-0000'), SigningIdentityError);
    const weak = forge.pki.privateKeyFromPem(generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()) as forge.pki.rsa.PrivateKey;
    const cert = forge.pki.createCertificate();
    cert.publicKey = forge.pki.setRsaPublicKey(weak.n, weak.e);
    cert.serialNumber = '03';
    cert.validity.notBefore = new Date(Date.now() - 3_600_000);
    cert.validity.notAfter = new Date(Date.now() + 3_600_000);
    cert.setSubject([{ name: 'commonName', value: 'weak' }]);
    cert.setIssuer([{ name: 'commonName', value: 'weak' }]);
    cert.sign(weak, forge.md.sha256.create());
    const p12 = Buffer.from(forge.asn1.toDer(forge.pkcs12.toPkcs12Asn1(weak, [cert], 'weak-key-password-1', { algorithm: '3des' })).getBytes(), 'binary');
    await assert.rejects(signingIdentityFromPkcs12(p12, 'weak-key-password-1'), /RSA of at least 2048 bits/);
    await assert.rejects(signingIdentityFromPkcs12(ca.sellerP12, ca.password, new Date(Date.now() + 90 * 24 * 3_600_000)), /is not valid now/);
  });
});
