import { zodResolver } from '@hookform/resolvers/zod';
import { Button, Card, Checkbox, Group, NativeSelect, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { NOTIFY_CHANNELS, NOTIFY_LANGUAGES, type PreferencesView } from '@ecar/contracts/requests/notify';
import { z } from '../workshop/zod.ts';
import { ApiError, apiJson } from '../shell/api/client.ts';
import { applyServerErrors } from '../shell/forms.ts';
import { formatDateTime } from '../shell/format.ts';
import { isLanguage } from '../shell/i18n/index.ts';
import { FormError } from '../shell/ui/FormError.tsx';
import { EmptyState, ErrorState, LoadingState } from '../shell/ui/states.tsx';
import classes from './customer.module.css';

const KEY = ['notify', 'preferences'] as const;
const PATH = '/api/v1/notifications/preferences';
const LANGUAGE_NAMES = { fr: 'Français', ar: 'العربية', en: 'English' } as const;

const preferencesForm = z.object({
  channel: z.enum(NOTIFY_CHANNELS),
  language: z.enum(NOTIFY_LANGUAGES),
  serviceMessages: z.boolean(),
  marketingConsent: z.boolean(),
});
type PreferencesForm = z.infer<typeof preferencesForm>;

const formValues = (p: PreferencesView): PreferencesForm => ({ channel: p.channel, language: p.language, serviceMessages: p.serviceMessages, marketingConsent: p.marketingConsent });

function PreferencesCard({ preferences }: { preferences: PreferencesView }) {
  const { t, i18n } = useTranslation(['notify', 'common']);
  const queryClient = useQueryClient();
  const form = useForm<PreferencesForm>({ resolver: zodResolver(preferencesForm), defaultValues: formValues(preferences) });
  const save = useMutation({
    mutationFn: (values: PreferencesForm) => apiJson<PreferencesView>(PATH, { method: 'PUT', json: values }),
    onSuccess: (saved) => {
      queryClient.setQueryData(KEY, saved);
      form.reset(formValues(saved));
    },
  });
  const submit = form.handleSubmit(async (values) => {
    try {
      await save.mutateAsync(values);
    } catch (error) {
      applyServerErrors(form, error);
    }
  });
  const language = isLanguage(i18n.language) ? i18n.language : 'fr';
  const current = queryClient.getQueryData<PreferencesView>(KEY) ?? preferences;
  return (
    <Card withBorder>
      <form onSubmit={submit} noValidate aria-labelledby="notify-title" data-testid="notify-preferences">
        <Stack className={classes.narrow}>
          <Title order={1} size="h3" id="notify-title">
            {t('preferences.title')}
          </Title>
          <Text size="sm">{t('preferences.intro')}</Text>
          <FormError form={form} />
          {save.isSuccess ? (
            <Text c="teal.9" role="status" data-testid="notify-saved">
              {t('preferences.saved')}
            </Text>
          ) : null}
          <NativeSelect label={t('preferences.channel')} data={NOTIFY_CHANNELS.map((value) => ({ value, label: t(`preferences.channels.${value}`) }))} {...form.register('channel')} />
          <NativeSelect label={t('preferences.language')} data={NOTIFY_LANGUAGES.map((value) => ({ value, label: LANGUAGE_NAMES[value] }))} {...form.register('language')} />
          <Checkbox label={t('preferences.serviceMessages')} description={t('preferences.serviceMessagesHint')} {...form.register('serviceMessages')} data-testid="notify-service" />
          <Checkbox label={t('preferences.marketingConsent')} description={t('preferences.marketingConsentHint')} {...form.register('marketingConsent')} data-testid="notify-marketing" />
          {current.marketingConsent && current.marketingConsentAt ? <Text size="sm">{t('preferences.consentGivenAt', { date: formatDateTime(current.marketingConsentAt, language) })}</Text> : null}
          <Group>
            <Button type="submit" loading={form.formState.isSubmitting}>
              {t('preferences.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

/** The customer's notification preferences: channel, language, service messages (opt-out) and a separate marketing consent. */
export default function NotificationsScreen() {
  const { t } = useTranslation('notify');
  const query = useQuery({ queryKey: KEY, queryFn: () => apiJson<PreferencesView>(PATH), retry: false });
  if (query.isPending) return <LoadingState />;
  if (query.error instanceof ApiError && query.error.status === 404) return <EmptyState>{t('preferences.noProfile')}</EmptyState>;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  return <PreferencesCard preferences={query.data} />;
}
