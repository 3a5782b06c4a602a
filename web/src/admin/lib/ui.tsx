import { Alert, Badge, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, NetworkError } from '../../shell/api/client.ts';
import { formatDate, formatDateTime, formatMoney } from '../../shell/format.ts';
import { isLanguage, type Language } from '../../shell/i18n/index.ts';

export function useLanguage(): Language {
  const { i18n } = useTranslation();
  return isLanguage(i18n.language) ? i18n.language : 'fr';
}

/** Millimes as `1 234,560 TND`; bidi-isolated so the number stays whole inside Arabic text. */
export function Money({ millimes }: { millimes: number | string | null }) {
  return <bdi data-money>{millimes === null ? '—' : formatMoney(millimes)}</bdi>;
}

export function When({ at, dateOnly }: { at: string | null | undefined; dateOnly?: boolean }) {
  const language = useLanguage();
  if (!at) return <>—</>;
  return <time dateTime={at}>{dateOnly ? formatDate(at, language) : formatDateTime(at, language)}</time>;
}

/** The first characters of an id: enough to tell rows apart on screen, the full id in the title. */
export function ShortId({ id }: { id: string }) {
  return (
    <bdi title={id} data-id={id}>
      {id.slice(0, 8)}
    </bdi>
  );
}

export function Section({ title, children, actions, testId }: { title: string; children: ReactNode; actions?: ReactNode; testId?: string }) {
  return (
    <Paper withBorder p="md" component="section" aria-label={title} data-testid={testId}>
      <Stack gap="sm">
        <Group justify="space-between" wrap="wrap">
          <Title order={2} size="h4">
            {title}
          </Title>
          {actions}
        </Group>
        {children}
      </Stack>
    </Paper>
  );
}

export function StatusBadge({ label, color, value }: { label: string; color?: string; value: string }) {
  return (
    // Dark text on the pale tint: the colour tells the state apart, the text stays ≥ 4.5:1 (Mantine's light text is not).
    <Badge color={color ?? 'gray'} variant="light" c="dark.8" data-status={value}>
      {label}
    </Badge>
  );
}

/** A problem in words: the service's detail (text), or a generic message. */
export function problemText(error: unknown, fallback: string, network: string): string {
  if (error instanceof NetworkError) return network;
  if (error instanceof ApiError) {
    const fields = error.fieldErrors.map((field) => `${field.path}: ${field.message}`);
    return [error.problem.detail ?? error.problem.title ?? fallback, ...fields].join(' — ');
  }
  return fallback;
}

/**
 * A one-click action on the API (confirm, issue, verify…): runs, then refreshes the listed
 * queries; its outcome is shown next to the button as text.
 */
export function useAction<T, V = void>(run: (variables: V) => Promise<T>, invalidate: ReadonlyArray<readonly unknown[]> = [], onDone?: (result: T) => void) {
  const client = useQueryClient();
  return useMutation<T, Error, V>({
    mutationFn: run,
    onSuccess: async (result) => {
      onDone?.(result);
      await Promise.all(invalidate.map((queryKey) => client.invalidateQueries({ queryKey })));
    },
  });
}

export function ActionResult({ mutation, success }: { mutation: { isError: boolean; isSuccess: boolean; error: unknown }; success?: string }) {
  const { t } = useTranslation();
  if (mutation.isError) {
    return (
      <Alert color="red" role="alert" data-state="action-error">
        {problemText(mutation.error, t('state.error'), t('state.network'))}
      </Alert>
    );
  }
  if (mutation.isSuccess && success) {
    return (
      <Text size="sm" c="teal.9" role="status" data-state="action-done">
        {success}
      </Text>
    );
  }
  return null;
}

/** An action that asks once more before it runs (anonymise, issue, disable…), without a modal. */
export function ConfirmButton({ label, question, onConfirm, loading, color, testId }: { label: string; question: string; onConfirm: () => void; loading?: boolean; color?: string; testId?: string }) {
  const { t } = useTranslation('admin');
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <Button variant="light" color={color} onClick={() => setAsking(true)} loading={loading ?? false} data-testid={testId}>
        {label}
      </Button>
    );
  }
  return (
    <Paper withBorder p="xs" role="group" aria-label={t('common.confirmTitle')}>
      <Stack gap="xs">
        <Text size="sm">{question}</Text>
        <Group gap="xs">
          <Button
            color={color ?? 'blue'}
            size="xs"
            data-testid={testId ? `${testId}-confirm` : undefined}
            onClick={() => {
              setAsking(false);
              onConfirm();
            }}
          >
            {t('common.confirm')}
          </Button>
          <Button size="xs" variant="default" onClick={() => setAsking(false)}>
            {t('common.no')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

/** `12,5` or `12.500` TND → 12500 millimes; undefined when it is not an amount. */
export function parseThousandths(text: string): number | undefined {
  const normalised = text.replace(/[\s\u00a0]/g, '').replace(',', '.');
  if (!/^\d+(\.\d{1,3})?$/.test(normalised)) return undefined;
  const [whole = '0', fraction = ''] = normalised.split('.');
  return Number(whole) * 1000 + Number(fraction.padEnd(3, '0'));
}

/** 1500 → `1,5` (quantities in thousandths shown as decimals). */
export function formatThousandths(value: number): string {
  const whole = Math.trunc(value / 1000);
  const fraction = String(value % 1000).padStart(3, '0').replace(/0+$/, '');
  return fraction ? `${whole},${fraction}` : String(whole);
}

/** Basis points → `19 %`. */
export function formatRate(basisPoints: number): string {
  return `${formatThousandths(basisPoints * 10)}\u00a0%`;
}

/** A human reference (`OR-2026-000123`, `RDV-…`, `BC-…`, issue #14) in place of an id; the id stays in the title. */
export function Reference({ number, id }: { number: string | null | undefined; id: string }) {
  return (
    <bdi title={id} data-id={id} data-ref={number ?? undefined}>
      {number ?? id.slice(0, 8)}
    </bdi>
  );
}
