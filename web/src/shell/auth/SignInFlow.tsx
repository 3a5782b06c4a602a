import { Alert, Anchor, Button, Code, Image, List, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, apiJson, setCsrfToken } from '../api/client.ts';

/**
 * The sign-in steps are the only forms of the first load, so they are plain forms (no
 * react-hook-form or zod: the public shell stays under 150 KB gzip, docs/web.md). They show the
 * API's problem+json field errors at the field like every other form.
 */

/** The login answer for a web (cookie) client. */
type LoginAnswer =
  | { status: 'mfa_required'; mfaToken: string }
  | { status: 'ok' | 'mfa_enrolment_required'; csrfToken?: string; user?: { role: string } };

type Errors = Record<string, string | undefined>;

/** Local checks (what the server would refuse anyway) keyed by field name; '' is the form. */
type Check = (values: Record<string, string>) => Errors;

/** A plain form's submit: trimmed values, local checks, then the call; server errors by field. */
function usePlainForm(check: Check, submit: (values: Record<string, string>) => Promise<void>) {
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);
  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const values = Object.fromEntries([...new FormData(form)].map(([name, value]) => [name, String(value).trim()]));
    const local = check(values);
    setErrors(local);
    if (Object.values(local).some(Boolean)) {
      form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    setBusy(true);
    try {
      await submit(values);
    } catch (error) {
      const byField: Errors = {};
      if (error instanceof ApiError) {
        for (const field of error.fieldErrors) if (field.path in values) byField[field.path] = field.message;
        if (!Object.values(byField).some(Boolean)) byField[''] = error.message;
      } else {
        byField[''] = error instanceof Error ? error.message : String(error);
      }
      setErrors(byField);
    } finally {
      setBusy(false);
    }
  };
  return { errors, setErrors, busy, onSubmit };
}

type Step = { kind: 'credentials' } | { kind: 'mfa'; mfaToken: string } | { kind: 'enrol' } | { kind: 'recovery'; codes: string[] };

function ServerError({ message }: { message: string | undefined }) {
  return message ? (
    <Alert color="red" role="alert">
      {message}
    </Alert>
  ) : null;
}

function CredentialsStep({ onAnswer }: { onAnswer: (answer: LoginAnswer) => void }) {
  const { t } = useTranslation('auth');
  const { t: tc } = useTranslation();
  const form = usePlainForm(
    (values) => ({
      email: !values['email'] ? tc('form.required') : /^[^\s@]+@[^\s@]+$/.test(values['email']) ? undefined : tc('form.invalid'),
      password: values['password'] ? undefined : tc('form.required'),
    }),
    async (values) => {
      try {
        onAnswer(await apiJson<LoginAnswer>('/api/v1/auth/login', { method: 'POST', json: { email: values['email'], password: values['password'], client: 'web' } }));
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) throw new Error(t('signIn.failed'));
        throw error;
      }
    },
  );
  return (
    <form onSubmit={form.onSubmit} noValidate aria-labelledby="sign-in-title" data-step="credentials">
      <Stack>
        <Title order={1} size="h2" id="sign-in-title">
          {t('signIn.title')}
        </Title>
        <ServerError message={form.errors['']} />
        <TextInput name="email" label={t('signIn.email')} type="email" autoComplete="username" required maxLength={320} error={form.errors['email']} />
        <PasswordInput name="password" label={t('signIn.password')} autoComplete="current-password" required maxLength={1024} error={form.errors['password']} />
        <Button type="submit" loading={form.busy}>
          {t('signIn.submit')}
        </Button>
      </Stack>
    </form>
  );
}

const SIX_DIGITS = /^\d{6}$/;
const EIGHT_DIGITS = /^\d{8}$/;

function MfaStep({ mfaToken, onAnswer }: { mfaToken: string; onAnswer: (answer: LoginAnswer) => void }) {
  const { t } = useTranslation('auth');
  const { t: tc } = useTranslation();
  const [useRecovery, setUseRecovery] = useState(false);
  const form = usePlainForm(
    (values) =>
      useRecovery
        ? { recoveryCode: values['recoveryCode'] ? undefined : tc('form.required') }
        : { code: !values['code'] ? tc('form.required') : SIX_DIGITS.test(values['code']) ? undefined : tc('form.invalid') },
    async (values) => {
      const proof = useRecovery ? { recoveryCode: values['recoveryCode'] } : { code: values['code'] };
      onAnswer(await apiJson<LoginAnswer>('/api/v1/auth/login/mfa', { method: 'POST', json: { mfaToken, ...proof } }));
    },
  );
  return (
    <Stack>
      <Title order={1} size="h2" id="mfa-title">
        {t('mfa.title')}
      </Title>
      <form onSubmit={form.onSubmit} noValidate aria-labelledby="mfa-title" data-step={useRecovery ? 'mfa-recovery' : 'mfa'} key={useRecovery ? 'recovery' : 'code'}>
        <Stack>
          <ServerError message={form.errors['']} />
          {useRecovery ? (
            <TextInput name="recoveryCode" label={t('mfa.recoveryCode')} autoComplete="off" maxLength={32} autoFocus error={form.errors['recoveryCode']} />
          ) : (
            <TextInput name="code" label={t('mfa.code')} inputMode="numeric" autoComplete="one-time-code" maxLength={6} autoFocus error={form.errors['code']} />
          )}
          <Button type="submit" loading={form.busy}>
            {t('mfa.submit')}
          </Button>
        </Stack>
      </form>
      <Anchor
        component="button"
        type="button"
        onClick={() => {
          form.setErrors({});
          setUseRecovery((value) => !value);
        }}
      >
        {useRecovery ? t('mfa.useCode') : t('mfa.useRecovery')}
      </Anchor>
    </Stack>
  );
}

function EnrolStep({ onAnswer }: { onAnswer: (answer: { csrfToken?: string; recoveryCodes?: string[] }) => void }) {
  const { t } = useTranslation('auth');
  const { t: tc } = useTranslation();
  const [enrolment, setEnrolment] = useState<{ secret: string; qr: string; emailCodeMinutes: number } | { error: unknown } | undefined>();
  // The code of the authenticator and the one-time code e-mailed by setup (finding 9 of issue 12).
  const form = usePlainForm(
    (values) => ({
      code: !values['code'] ? tc('form.required') : SIX_DIGITS.test(values['code']) ? undefined : tc('form.invalid'),
      emailCode: !values['emailCode'] ? tc('form.required') : EIGHT_DIGITS.test(values['emailCode']) ? undefined : tc('form.invalid'),
    }),
    async (values) =>
      onAnswer(
        await apiJson<{ csrfToken?: string; recoveryCodes?: string[] }>('/api/v1/auth/mfa/totp/verify', { method: 'POST', json: { code: values['code'], emailCode: values['emailCode'] } }),
      ),
  );
  useEffect(() => {
    let cancelled = false;
    (async () => {
      const started = await apiJson<{ secret: string; otpauthUri: string; emailCodeExpiresIn: number }>('/api/v1/auth/mfa/totp/setup', { method: 'POST', json: {} });
      // The QR code is drawn here in the browser from the otpauth URI (nothing sent elsewhere).
      const { toDataURL } = await import('qrcode');
      const qr = await toDataURL(started.otpauthUri, { errorCorrectionLevel: 'M', margin: 2, width: 220 });
      if (!cancelled) setEnrolment({ secret: started.secret, qr, emailCodeMinutes: Math.round(started.emailCodeExpiresIn / 60) });
    })().catch((error: unknown) => {
      if (!cancelled) setEnrolment({ error });
    });
    return () => {
      cancelled = true;
    };
  }, []);
  return (
    <form onSubmit={form.onSubmit} noValidate aria-labelledby="enrol-title" data-step="enrol">
      <Stack>
        <Title order={1} size="h2" id="enrol-title">
          {t('enrol.title')}
        </Title>
        <Text size="sm">{t('enrol.intro')}</Text>
        {enrolment && 'error' in enrolment ? <ServerError message={enrolment.error instanceof Error ? enrolment.error.message : String(enrolment.error)} /> : null}
        {enrolment && 'qr' in enrolment ? (
          <>
            <Image src={enrolment.qr} alt={t('enrol.qrAlt')} w={220} h={220} fit="contain" />
            <Text size="sm">
              {t('enrol.secret')} : <Code data-testid="totp-secret">{enrolment.secret}</Code>
            </Text>
            <Text size="sm" data-testid="enrol-email-sent">
              {t('enrol.emailSent', { minutes: enrolment.emailCodeMinutes })}
            </Text>
          </>
        ) : null}
        <ServerError message={form.errors['']} />
        <TextInput name="code" label={t('enrol.code')} inputMode="numeric" autoComplete="one-time-code" maxLength={6} error={form.errors['code']} />
        <TextInput name="emailCode" label={t('enrol.emailCode')} inputMode="numeric" autoComplete="off" maxLength={8} error={form.errors['emailCode']} />
        <Button type="submit" loading={form.busy} disabled={!enrolment || 'error' in enrolment}>
          {t('enrol.submit')}
        </Button>
      </Stack>
    </form>
  );
}

function RecoveryStep({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const { t } = useTranslation('auth');
  return (
    <Stack data-step="recovery">
      <Title order={1} size="h2">
        {t('recovery.title')}
      </Title>
      <Text size="sm">{t('recovery.intro')}</Text>
      <List spacing={4} ff="monospace" data-testid="recovery-codes">
        {codes.map((code) => (
          <List.Item key={code}>{code}</List.Item>
        ))}
      </List>
      <Button onClick={onDone}>{t('recovery.done')}</Button>
    </Stack>
  );
}

/**
 * Password → TOTP (or a recovery code) → signed in; a super-admin without TOTP enrols first
 * (QR code drawn locally) and sees the recovery codes once (AUTH-7).
 */
export function SignInFlow({ onDone, startWithEnrolment = false }: { onDone: () => void | Promise<void>; startWithEnrolment?: boolean }) {
  const [step, setStep] = useState<Step>(startWithEnrolment ? { kind: 'enrol' } : { kind: 'credentials' });
  const afterLogin = (answer: LoginAnswer) => {
    if (answer.status === 'mfa_required') {
      setStep({ kind: 'mfa', mfaToken: answer.mfaToken });
      return;
    }
    setCsrfToken(answer.csrfToken);
    if (answer.status === 'mfa_enrolment_required') setStep({ kind: 'enrol' });
    else void onDone();
  };
  return (
    <Paper withBorder shadow="sm" p="lg" radius="md" maw={440} mx="auto" my="xl" w="100%">
      {step.kind === 'credentials' ? <CredentialsStep onAnswer={afterLogin} /> : null}
      {step.kind === 'mfa' ? <MfaStep mfaToken={step.mfaToken} onAnswer={afterLogin} /> : null}
      {step.kind === 'enrol' ? (
        <EnrolStep
          onAnswer={(answer) => {
            setCsrfToken(answer.csrfToken);
            setStep({ kind: 'recovery', codes: answer.recoveryCodes ?? [] });
          }}
        />
      ) : null}
      {step.kind === 'recovery' ? <RecoveryStep codes={step.codes} onDone={() => void onDone()} /> : null}
    </Paper>
  );
}
