import { zodResolver } from '@hookform/resolvers/zod';
import { Button, Card, Group, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { z } from '../workshop/zod.ts';
import { apiJson, downloadFile, setCsrfToken } from '../shell/api/client.ts';
import { applyServerErrors } from '../shell/forms.ts';
import { formatDateTime, tunisDay } from '../shell/format.ts';
import { isLanguage } from '../shell/i18n/index.ts';
import { useFieldError } from '../shell/ui/fields.ts';
import { FormError } from '../shell/ui/FormError.tsx';
import { ErrorState, LoadingState } from '../shell/ui/states.tsx';
import { PROFILE_KEY, useMyProfile, type CustomerProfile } from './profile.ts';
import classes from './customer.module.css';

const profileForm = z.object({ name: z.string().trim().min(1).max(200), phone: z.string().max(32), email: z.string().max(254), address: z.string().max(500), cin: z.string().max(32) });
type ProfileForm = z.infer<typeof profileForm>;
const FIELDS = ['name', 'phone', 'email', 'address', 'cin'] as const;

const formValues = (profile: CustomerProfile): ProfileForm => ({ name: profile.name, phone: profile.phone ?? '', email: profile.email ?? '', address: profile.address ?? '', cin: profile.cin ?? '' });

/** Rectification (right of correction): only the fields changed are sent; an emptied field is erased. */
function Rectify({ profile }: { profile: CustomerProfile }) {
  const { t } = useTranslation(['customer', 'workshop', 'common']);
  const queryClient = useQueryClient();
  const fieldError = useFieldError();
  const initial = formValues(profile);
  const form = useForm<ProfileForm>({ resolver: zodResolver(profileForm), defaultValues: initial });
  const save = useMutation({
    mutationFn: (changes: Record<string, string | null>) => apiJson<CustomerProfile>(`/api/v1/customers/${profile.id}`, { method: 'PATCH', json: changes }),
    onSuccess: (saved) => queryClient.setQueryData(PROFILE_KEY, saved),
  });
  const submit = form.handleSubmit(async (values) => {
    const changes: Record<string, string | null> = {};
    for (const field of FIELDS) {
      if (field === 'cin' && profile.kind === 'company') continue;
      const value = values[field].trim();
      if (value !== initial[field]) changes[field] = value === '' && field !== 'name' ? null : value;
    }
    if (Object.keys(changes).length === 0) {
      form.setError('root.server', { type: 'server', message: t('account.nothingChanged') });
      return;
    }
    try {
      form.reset(formValues(await save.mutateAsync(changes)));
    } catch (error) {
      applyServerErrors(form, error);
    }
  });
  const errors = form.formState.errors;
  return (
    <Card withBorder>
      <form onSubmit={submit} noValidate aria-labelledby="rectify-title" data-testid="rectify">
        <Stack className={classes.narrow}>
          <Title order={2} size="h4" id="rectify-title">
            {t('account.profile')}
          </Title>
          <Text size="sm">{t('account.profileIntro')}</Text>
          <FormError form={form} />
          {save.isSuccess ? (
            <Text c="teal.9" role="status">
              {t('account.saved')}
            </Text>
          ) : null}
          <TextInput label={t('account.name')} {...form.register('name')} error={fieldError(errors.name)} />
          <TextInput label={t('account.phone')} description={t('account.phoneHint')} dir="ltr" inputMode="tel" {...form.register('phone')} error={fieldError(errors.phone)} />
          <TextInput label={t('account.email')} dir="ltr" inputMode="email" {...form.register('email')} error={fieldError(errors.email)} />
          <TextInput label={t('account.address')} {...form.register('address')} error={fieldError(errors.address)} />
          {profile.kind === 'person' ? <TextInput label={t('account.cin')} inputMode="numeric" {...form.register('cin')} error={fieldError(errors.cin)} /> : null}
          <Group>
            <Button type="submit" loading={form.formState.isSubmitting}>
              {t('account.requestCorrection')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

function Consent({ profile }: { profile: CustomerProfile }) {
  const { t, i18n } = useTranslation(['customer', 'workshop', 'common']);
  const language = isLanguage(i18n.language) ? i18n.language : 'fr';
  const queryClient = useQueryClient();
  const given = Boolean(profile.consent.givenAt && !profile.consent.withdrawnAt);
  const record = useMutation({
    mutationFn: (give: boolean) => apiJson<CustomerProfile>(`/api/v1/customers/${profile.id}/consent`, { method: 'POST', json: { given: give, method: 'electronic' } }),
    onSuccess: (saved) => queryClient.setQueryData(PROFILE_KEY, saved),
  });
  return (
    <Card withBorder>
      <Stack className={classes.narrow}>
        <Title order={2} size="h4">
          {t('account.consent')}
        </Title>
        <Text size="sm">{t('account.consentIntro')}</Text>
        <Text data-testid="consent-state">
          {given && profile.consent.givenAt
            ? t('account.consentGiven', { date: formatDateTime(profile.consent.givenAt, language) })
            : profile.consent.withdrawnAt
              ? t('account.consentWithdrawn', { date: formatDateTime(profile.consent.withdrawnAt, language) })
              : t('account.consentNone')}
        </Text>
        {record.error ? <ErrorState error={record.error} /> : null}
        <Group>
          <Button variant={given ? 'outline' : 'filled'} color={given ? 'red' : 'blue'} loading={record.isPending} onClick={() => record.mutate(!given)}>
            {given ? t('account.withdraw') : t('account.give')}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

function Export({ profile }: { profile: CustomerProfile }) {
  const { t } = useTranslation(['customer', 'workshop', 'common']);
  const run = useMutation({ mutationFn: () => downloadFile(`/api/v1/customers/${profile.id}/export`, `ecar-mes-donnees-${tunisDay(new Date())}.json`) });
  return (
    <Card withBorder>
      <Stack className={classes.narrow}>
        <Title order={2} size="h4">
          {t('account.export')}
        </Title>
        <Text size="sm">{t('account.exportIntro')}</Text>
        {run.error ? <ErrorState error={run.error} /> : null}
        {run.isSuccess ? (
          <Text c="teal.9" role="status">
            {t('account.exported')}
          </Text>
        ) : null}
        <Group>
          <Button variant="light" loading={run.isPending} onClick={() => run.mutate()} data-testid="export">
            {t('account.exportButton')}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

const passwordForm = z
  .object({ currentPassword: z.string().min(1).max(1024), newPassword: z.string().min(1).max(1024), confirm: z.string().min(1) })
  .refine((values) => values.newPassword === values.confirm, { path: ['confirm'], message: 'mismatch' });
type PasswordForm = z.infer<typeof passwordForm>;

/**
 * A password change revokes every session of the account (auth does it) and clears this page's
 * cookies: it is also how a customer signs out everywhere. The page then reloads on a notice.
 */
function ChangePassword() {
  const { t } = useTranslation(['customer', 'workshop', 'common']);
  const queryClient = useQueryClient();
  const fieldError = useFieldError();
  const form = useForm<PasswordForm>({ resolver: zodResolver(passwordForm), defaultValues: { currentPassword: '', newPassword: '', confirm: '' } });
  const submit = form.handleSubmit(async ({ currentPassword, newPassword }) => {
    try {
      await apiJson('/api/v1/auth/password', { method: 'POST', json: { currentPassword, newPassword } });
      setCsrfToken(undefined);
      queryClient.clear();
      window.location.assign('/app/signed-out');
    } catch (error) {
      applyServerErrors(form, error);
    }
  });
  const errors = form.formState.errors;
  return (
    <Card withBorder>
      <form onSubmit={submit} noValidate aria-labelledby="password-title">
        <Stack className={classes.narrow}>
          <Title order={2} size="h4" id="password-title">
            {t('account.password')}
          </Title>
          <Text size="sm">{t('account.passwordIntro')}</Text>
          <FormError form={form} />
          <PasswordInput label={t('account.currentPassword')} autoComplete="current-password" {...form.register('currentPassword')} error={fieldError(errors.currentPassword)} />
          <PasswordInput label={t('account.newPassword')} autoComplete="new-password" {...form.register('newPassword')} error={fieldError(errors.newPassword)} />
          <PasswordInput
            label={t('account.confirmPassword')}
            autoComplete="new-password"
            {...form.register('confirm')}
            error={errors.confirm?.message === 'mismatch' ? t('account.mismatch') : fieldError(errors.confirm)}
          />
          <Group>
            <Button type="submit" color="red" loading={form.formState.isSubmitting}>
              {t('account.changePassword')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

/** The customer's own data: correction, consent, export, password and signing out everywhere. */
export default function AccountScreen() {
  const { t } = useTranslation(['customer', 'workshop', 'common']);
  const profile = useMyProfile();
  return (
    <Stack>
      <Title order={1}>{t('account.title')}</Title>
      {profile.isPending || profile.data === null ? (
        <LoadingState label={t('profile.preparing')} />
      ) : profile.error || !profile.data ? (
        <ErrorState error={profile.error} onRetry={() => void profile.refetch()} />
      ) : (
        <>
          <Rectify key={profile.data.id} profile={profile.data} />
          <Consent profile={profile.data} />
          <Export profile={profile.data} />
        </>
      )}
      <ChangePassword />
    </Stack>
  );
}
