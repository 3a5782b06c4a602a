import { Anchor, Button, Group, Stack, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useCursorList } from '../../../shell/api/paging.ts';
import { CursorTable } from '../../../shell/ui/CursorTable.tsx';
import { formatThousandths, Money } from '../../lib/ui.tsx';
import type { CannedJob } from './types.ts';

/** The price list of service packages (vidange, plaquettes avant…). */
export default function CannedJobsScreen() {
  const { t } = useTranslation('parts');
  const list = useCursorList<CannedJob>(['admin', 'canned-jobs'], '/api/v1/canned-jobs', {}, { cursorParam: 'after' });
  return (
    <Stack>
      <Group justify="space-between" wrap="wrap">
        <Title order={1}>{t('cannedJobs.title')}</Title>
        <Button component={Link} to="/canned-jobs/new" data-testid="canned-new">
          {t('cannedJobs.new')}
        </Button>
      </Group>
      <CursorTable
        list={list}
        caption={t('cannedJobs.list')}
        rowKey={(row) => row.id}
        columns={[
          {
            id: 'name',
            header: t('cannedJobs.name'),
            cell: (row) => (
              <Anchor component={Link} to={`/canned-jobs/${row.id}`} data-testid="canned-link">
                <span dir="auto">{row.name}</span>
              </Anchor>
            ),
          },
          { id: 'vehicle', header: t('cannedJobs.vehicle'), cell: (row) => (row.make ? <bdi>{[row.make, row.model].filter(Boolean).join(' ')}</bdi> : t('cannedJobs.anyVehicle')) },
          { id: 'hours', header: t('cannedJobs.labourHours'), cell: (row) => <bdi>{formatThousandths(row.labourHoursMilli)}</bdi> },
          { id: 'rate', header: t('cannedJobs.labourRate'), cell: (row) => <Money millimes={row.labourRateMillimes} /> },
          { id: 'parts', header: t('cannedJobs.parts'), cell: (row) => <bdi>{row.parts.length}</bdi> },
        ]}
      />
    </Stack>
  );
}
