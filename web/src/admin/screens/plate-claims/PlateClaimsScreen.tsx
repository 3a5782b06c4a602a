import { Button, Group, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PlateClaimResponse } from '@ecar/contracts/responses/garage';
import { apiJson } from '../../../shell/api/client.ts';
import { useCursorList } from '../../../shell/api/paging.ts';
import { CursorTable } from '../../../shell/ui/CursorTable.tsx';
import { ActionResult, StatusBadge, useAction, When } from '../../lib/ui.tsx';

type Filter = 'pending' | 'accepted' | 'refused';
const COLORS: Record<PlateClaimResponse['status'], string> = { pending: 'orange', accepted: 'green', refused: 'gray' };

/** Accept (the vehicle moves to the claimant) or refuse, once the papers were checked at the desk. */
function Decide({ claim }: { claim: PlateClaimResponse }) {
  const { t } = useTranslation('admin');
  const invalidate = [['admin', 'plate-claims']] as const;
  const accept = useAction(() => apiJson(`/api/v1/plate-claims/${claim.id}/accept`, { method: 'POST' }), invalidate);
  const refuse = useAction(() => apiJson(`/api/v1/plate-claims/${claim.id}/refuse`, { method: 'POST' }), invalidate);
  if (claim.status !== 'pending') {
    return (
      <Stack gap={4} align="flex-start">
        <StatusBadge value={claim.status} color={COLORS[claim.status]} label={t(`plateClaims.statuses.${claim.status}`)} />
        <When at={claim.decidedAt} />
      </Stack>
    );
  }
  return (
    <Stack gap={4}>
      <Group gap={4} wrap="wrap">
        <Button size="xs" onClick={() => accept.mutate()} loading={accept.isPending} disabled={refuse.isPending} data-testid="plate-claim-accept">
          {t('plateClaims.accept')}
        </Button>
        <Button size="xs" variant="default" onClick={() => refuse.mutate()} loading={refuse.isPending} disabled={accept.isPending} data-testid="plate-claim-refuse">
          {t('plateClaims.refuse')}
        </Button>
      </Group>
      <ActionResult mutation={accept} />
      <ActionResult mutation={refuse} />
    </Stack>
  );
}

const describe = (vehicle: PlateClaimResponse['claimed']) => `${vehicle.make} ${vehicle.model} (${vehicle.year})`;

export default function PlateClaimsScreen() {
  const { t } = useTranslation('admin');
  const [status, setStatus] = useState<Filter>('pending');
  const list = useCursorList<PlateClaimResponse>(['admin', 'plate-claims'], '/api/v1/plate-claims', { status });
  return (
    <Stack>
      <Title order={1}>{t('plateClaims.title')}</Title>
      <Text size="sm">{t('plateClaims.intro')}</Text>
      <SegmentedControl
        aria-label={t('plateClaims.show')}
        value={status}
        onChange={(value) => setStatus(value as Filter)}
        data={(['pending', 'accepted', 'refused'] as const).map((value) => ({ value, label: t(`plateClaims.statuses.${value}`) }))}
      />
      <CursorTable
        list={list}
        caption={t('plateClaims.title')}
        rowKey={(row) => row.id}
        columns={[
          { id: 'plate', header: t('plateClaims.plate'), cell: (row) => <span dir="ltr">{row.plate}</span> },
          { id: 'claimant', header: t('plateClaims.claimant'), cell: (row) => row.claimant.name },
          { id: 'claimed', header: t('plateClaims.claimed'), cell: (row) => describe(row.claimed) },
          { id: 'holder', header: t('plateClaims.holder'), cell: (row) => row.holder.name },
          { id: 'registered', header: t('plateClaims.registered'), cell: (row) => describe(row.registered) },
          { id: 'created', header: t('plateClaims.created'), cell: (row) => <When at={row.createdAt} /> },
          { id: 'decide', header: t('plateClaims.status'), cell: (row) => <Decide claim={row} /> },
        ]}
      />
    </Stack>
  );
}
