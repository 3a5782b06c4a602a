import { zodResolver } from '@hookform/resolvers/zod';
import { Alert, Anchor, Button, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { z } from '../workshop/zod.ts';
import { registerBody, resendVerificationBody, resetRequestBody } from '@ecar/contracts/requests/auth';
import { apiJson } from '../shell/api/client.ts';
import { applyServerErrors } from '../shell/forms.ts';
import { useFieldError } from '../shell/ui/fields.ts';
import { FormError } from '../shell/ui/FormError.tsx';
import { LanguageSelect } from '../shell/ui/Layout.tsx';
import { ErrorState, LoadingState } from '../shell/ui/states.tsx';
import shell from '../shell/ui/shell.module.css';
import classes from './customer.module.css';

function PublicFrame({ title, children }: { title: string; children: ReactNode }) {
  const { t } = useTranslation(['signup', 'common']);
  return (
    <>
      <header className={shell.header}>
        <span className={shell.brand}>{t('common:appName')}</span>
        <span className={shell.spacer} />
        <LanguageSelect />
      </header>
      <main id="main" className={classes.public}>
        <Stack>
          <Title order={1}>{title}</Title>
          {children}
          <Anchor component={Link} to="/">
            {t('toSignIn')}
          </Anchor>
        </Stack>
      </main>
    </>
  );
}

/** The one-time token of an e-mail link (`…#token=…`): read once, then removed from the address bar. */
function useLinkToken(): string | undefined {
  const [token] = useState(() => new URLSearchParams(window.location.hash.slice(1)).get('token') ?? undefined);
  useEffect(() => {
    if (window.location.hash) window.history.replaceState(null, '', window.location.pathname);
  }, []);
  return token;
}

type SignUp = z.infer<typeof registerBody>;

export function SignUpScreen() {
  const { t } = useTranslation(['signup', 'common']);
  const fieldError = useFieldError();
  const form = useForm<SignUp>({ resolver: zodResolver(registerBody), defaultValues: { email: '', password: '', displayName: '' } });
  const [sent, setSent] = useState(false);
  const submit = form.handleSubmit(async (values) => {
    try {
      await apiJson('/api/v1/auth/register', { method: 'POST', json: values });
      setSent(true);
    } catch (error) {
      applyServerErrors(form, error);
    }
  });
  const errors = form.formState.errors;
  return (
    <PublicFrame title={t('signUp.title')}>
      {sent ? (
        <Alert color="teal" role="status" data-testid="sign-up-sent">
          {t('signUp.sent')}
        </Alert>
      ) : (
        <form onSubmit={submit} noValidate data-step="sign-up">
          <Stack>
            <Text size="sm">{t('signUp.intro')}</Text>
            <FormError form={form} />
            <TextInput label={t('signUp.displayName')} autoComplete="name" {...form.register('displayName')} error={fieldError(errors.displayName)} />
            <TextInput label={t('email')} type="email" dir="ltr" autoComplete="email" {...form.register('email')} error={fieldError(errors.email)} />
            <PasswordInput label={t('password')} description={t('passwordHint')} autoComplete="new-password" {...form.register('password')} error={fieldError(errors.password)} />
            <Button type="submit" loading={form.formState.isSubmitting}>
              {t('signUp.submit')}
            </Button>
          </Stack>
        </form>
      )}
    </PublicFrame>
  );
}

export function VerifyEmailScreen() {
  const { t } = useTranslation(['signup', 'common']);
  const token = useLinkToken();
  const started = useRef(false);
  const verify = useMutation({ mutationFn: (value: string) => apiJson('/api/v1/auth/email/verify', { method: 'POST', json: { token: value } }) });
  useEffect(() => {
    if (token && !started.current) {
      started.current = true;
      verify.mutate(token);
    }
  }, [token, verify]);
  return (
    <PublicFrame title={t('verify.title')}>
      {!token ? (
        <Alert color="red" role="alert">
          {t('invalidLink')}
        </Alert>
      ) : verify.isSuccess ? (
        <Alert color="teal" role="status" data-testid="email-verified">
          {t('verify.done')}
        </Alert>
      ) : verify.error ? (
        <ErrorState error={verify.error} />
      ) : (
        <LoadingState label={t('verify.checking')} />
      )}
    </PublicFrame>
  );
}

type Forgot = z.infer<typeof resetRequestBody>;

export function ForgotPasswordScreen() {
  const { t } = useTranslation(['signup', 'common']);
  const fieldError = useFieldError();
  const form = useForm<Forgot>({ resolver: zodResolver(resetRequestBody), defaultValues: { email: '' } });
  const [sent, setSent] = useState(false);
  const submit = form.handleSubmit(async (values) => {
    try {
      await apiJson('/api/v1/auth/password/reset', { method: 'POST', json: values });
      setSent(true);
    } catch (error) {
      applyServerErrors(form, error);
    }
  });
  return (
    <PublicFrame title={t('forgot.title')}>
      {sent ? (
        <Alert color="teal" role="status" data-testid="reset-sent">
          {t('forgot.sent')}
        </Alert>
      ) : (
        <form onSubmit={submit} noValidate data-step="forgot">
          <Stack>
            <Text size="sm">{t('forgot.intro')}</Text>
            <FormError form={form} />
            <TextInput label={t('email')} type="email" dir="ltr" autoComplete="email" {...form.register('email')} error={fieldError(form.formState.errors.email)} />
            <Button type="submit" loading={form.formState.isSubmitting}>
              {t('forgot.submit')}
            </Button>
          </Stack>
        </form>
      )}
    </PublicFrame>
  );
}

const resetForm = z
  .object({ newPassword: z.string().min(1).max(1024), confirm: z.string().min(1) })
  .refine((values) => values.newPassword === values.confirm, { path: ['confirm'], message: 'mismatch' });
type Reset = z.infer<typeof resetForm>;

export function ResetPasswordScreen() {
  const { t } = useTranslation(['signup', 'common']);
  const token = useLinkToken();
  const fieldError = useFieldError();
  const form = useForm<Reset>({ resolver: zodResolver(resetForm), defaultValues: { newPassword: '', confirm: '' } });
  const [done, setDone] = useState(false);
  const submit = form.handleSubmit(async ({ newPassword }) => {
    try {
      await apiJson('/api/v1/auth/password/reset/confirm', { method: 'POST', json: { token, newPassword } });
      setDone(true);
    } catch (error) {
      applyServerErrors(form, error);
    }
  });
  const errors = form.formState.errors;
  return (
    <PublicFrame title={t('reset.title')}>
      {!token ? (
        <Alert color="red" role="alert">
          {t('invalidLink')}
        </Alert>
      ) : done ? (
        <Alert color="teal" role="status" data-testid="password-reset">
          {t('reset.done')}
        </Alert>
      ) : (
        <form onSubmit={submit} noValidate data-step="reset">
          <Stack>
            <FormError form={form} />
            <PasswordInput label={t('reset.newPassword')} description={t('passwordHint')} autoComplete="new-password" {...form.register('newPassword')} error={fieldError(errors.newPassword)} />
            <PasswordInput
              label={t('reset.confirm')}
              autoComplete="new-password"
              {...form.register('confirm')}
              error={errors.confirm?.message === 'mismatch' ? t('reset.mismatch') : fieldError(errors.confirm)}
            />
            <Button type="submit" loading={form.formState.isSubmitting}>
              {t('reset.submit')}
            </Button>
          </Stack>
        </form>
      )}
    </PublicFrame>
  );
}

/** Where a password change lands: every session of the account was signed out. */
export function SignedOutScreen() {
  const { t } = useTranslation(['signup', 'common']);
  return (
    <PublicFrame title={t('signedOut.title')}>
      <Alert color="teal" role="status" data-testid="signed-out">
        {t('signedOut.text')}
      </Alert>
    </PublicFrame>
  );
}

type Resend = z.infer<typeof resendVerificationBody>;

/** The confirmation e-mail did not arrive or its link expired: ask for it again (same answer for any address). */
export function ResendVerificationScreen() {
  const { t } = useTranslation(['signup', 'common']);
  const fieldError = useFieldError();
  const form = useForm<Resend>({ resolver: zodResolver(resendVerificationBody), defaultValues: { email: '' } });
  const [sent, setSent] = useState(false);
  const submit = form.handleSubmit(async (values) => {
    try {
      await apiJson('/api/v1/auth/email/verify/resend', { method: 'POST', json: values });
      setSent(true);
    } catch (error) {
      applyServerErrors(form, error);
    }
  });
  return (
    <PublicFrame title={t('resend.title')}>
      {sent ? (
        <Alert color="teal" role="status" data-testid="verification-resent">
          {t('resend.sent')}
        </Alert>
      ) : (
        <form onSubmit={submit} noValidate data-step="resend-verification">
          <Stack>
            <Text size="sm">{t('resend.intro')}</Text>
            <FormError form={form} />
            <TextInput label={t('email')} type="email" dir="ltr" autoComplete="email" {...form.register('email')} error={fieldError(form.formState.errors.email)} />
            <Button type="submit" loading={form.formState.isSubmitting}>
              {t('resend.submit')}
            </Button>
          </Stack>
        </form>
      )}
    </PublicFrame>
  );
}
