import { generateSecret, generateURI, verify } from 'otplib';

export interface TotpOptions {
  issuer: string;
  /** 30 s everywhere but in tests (production refuses anything else: authenticator apps assume 30). */
  periodSeconds: number;
}

/** RFC 6238 TOTP (SHA-1, 6 digits, the authenticator apps' defaults) with replay protection. */
export class Totp {
  constructor(private readonly options: TotpOptions) {}

  newSecret(): string {
    return generateSecret({ length: 20 });
  }

  async provisioning(secret: string, account: string): Promise<{ otpauthUri: string; qrCodeDataUrl: string }> {
    const otpauthUri = generateURI({ issuer: this.options.issuer, label: account, secret, period: this.options.periodSeconds });
    // Loaded on the first enrolment only: idle, auth does not carry the encoder (docs/performance/memory.md).
    const { default: QRCode } = await import('qrcode');
    const qrCodeDataUrl = await QRCode.toDataURL(otpauthUri, { errorCorrectionLevel: 'M', margin: 2, width: 256 });
    return { otpauthUri, qrCodeDataUrl };
  }

  /**
   * The time step the code belongs to, or undefined when it is wrong. One step of clock drift
   * either way is accepted; a code of a step at or before `lastUsedStep` is refused (no replay).
   */
  async check(secret: string, code: string, lastUsedStep: number | null): Promise<number | undefined> {
    if (!/^\d{6}$/.test(code)) return undefined;
    const result = await verify({
      secret,
      token: code,
      period: this.options.periodSeconds,
      epochTolerance: this.options.periodSeconds,
      ...(lastUsedStep !== null ? { afterTimeStep: lastUsedStep } : {}),
    });
    return result.valid && 'timeStep' in result ? result.timeStep : undefined;
  }
}
