import { Button, Group, NativeSelect, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiJson } from '../../../shell/api/client.ts';
import type { WorkOrderDetail } from '../../lib/types.ts';
import { ActionResult, Section, useAction } from '../../lib/ui.tsx';
import type { CannedJob } from './types.ts';

/** On the work-order detail: the canned jobs that fit its vehicle, applied in one step (their lines are added). */
export function ApplyCannedJob({ order }: { order: WorkOrderDetail }) {
  const { t } = useTranslation('parts');
  const vehicle = order.vehicle;
  const filters = vehicle ? { make: vehicle.make, model: vehicle.model } : {};
  const jobs = useQuery({
    queryKey: ['admin', 'canned-jobs', 'fit', filters],
    queryFn: () => apiJson<{ items: CannedJob[] }>('/api/v1/canned-jobs', { query: { ...filters, limit: 100 } }),
  });
  const [chosen, setChosen] = useState('');
  const apply = useAction(
    (cannedJobId: string) => apiJson<{ lines: unknown[] }>(`/api/v1/work-orders/${order.id}/canned-jobs`, { method: 'POST', json: { cannedJobId } }),
    [['admin', 'work-order', order.id]],
  );
  const items = jobs.data?.items ?? [];
  const selected = chosen || items[0]?.id || '';
  return (
    <Section title={t('cannedJobs.applyTitle')} testId="apply-canned">
      {jobs.isSuccess && items.length === 0 ? (
        <Text size="sm">{t('cannedJobs.noneFits')}</Text>
      ) : (
        <Stack gap="xs">
          <Group align="flex-end" wrap="wrap">
            <NativeSelect
              label={t('cannedJobs.choose')}
              value={selected}
              onChange={(event) => setChosen(event.currentTarget.value)}
              data={items.map((job) => ({ value: job.id, label: job.make ? `${job.name} (${[job.make, job.model].filter(Boolean).join(' ')})` : job.name }))}
              data-testid="canned-choose"
            />
            <Button onClick={() => apply.mutate(selected)} disabled={!selected} loading={apply.isPending} data-testid="canned-apply">
              {t('cannedJobs.apply')}
            </Button>
          </Group>
          <ActionResult mutation={apply} success={t('cannedJobs.applied', { count: apply.data?.lines.length ?? 0 })} />
        </Stack>
      )}
    </Section>
  );
}
