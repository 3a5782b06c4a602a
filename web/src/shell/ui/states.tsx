import { Alert, Button, Center, Loader, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, NetworkError } from '../api/client.ts';

export function LoadingState({ label }: { label?: string }) {
  const { t } = useTranslation();
  return (
    <Center py="xl" role="status" aria-live="polite">
      <Stack align="center" gap="xs">
        <Loader size="sm" aria-hidden />
        <Text size="sm">{label ?? t('state.loading')}</Text>
      </Stack>
    </Center>
  );
}

export function EmptyState({ children }: { children?: ReactNode }) {
  const { t } = useTranslation();
  return (
    <Text c="gray.7" py="md" data-state="empty">
      {children ?? t('state.empty')}
    </Text>
  );
}

/** An error in words: the API's problem detail (as text), or a network/unknown error message. */
export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  let message = t('state.error');
  if (error instanceof NetworkError) message = t('state.network');
  else if (error instanceof ApiError && error.status === 403) message = t('state.forbidden');
  else if (error instanceof ApiError && error.problem.detail) message = `${t('state.error')} ${error.problem.detail}`;
  return (
    <Alert color="red" role="alert" data-state="error">
      <Stack gap="xs" align="flex-start">
        <Text size="sm">{message}</Text>
        {onRetry ? (
          <Button size="xs" variant="light" color="red" onClick={onRetry}>
            {t('actions.retry')}
          </Button>
        ) : null}
      </Stack>
    </Alert>
  );
}

/** Renders a query's three states; `children` gets the data once there. */
export function QueryState<T>({
  query,
  children,
  isEmpty,
  empty,
}: {
  query: { data: T | undefined; error: unknown; isPending: boolean; refetch: () => unknown };
  children: (data: T) => ReactNode;
  isEmpty?: (data: T) => boolean;
  /** What to say when isEmpty holds (default: the generic "nothing here"). */
  empty?: ReactNode;
}) {
  if (query.isPending) return <LoadingState />;
  if (query.error || query.data === undefined) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  if (isEmpty?.(query.data)) return <EmptyState>{empty}</EmptyState>;
  return <>{children(query.data)}</>;
}
