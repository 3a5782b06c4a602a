import { Alert, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { IssuedBookResponse } from '@ecar/contracts/responses/garage-book';
import { apiJson, downloadFile } from '../shell/api/client.ts';
import { ErrorState } from '../shell/ui/states.tsx';

/**
 * The vehicle's maintenance book (issue 15), for its owner and for staff: each download issues a
 * book of the history as it is now, signed by the garage, and saves it as PDF or signed JSON.
 */
export function MaintenanceBookCard({ vehicleId }: { vehicleId: string }) {
  const { t } = useTranslation('book');
  const download = useMutation({
    mutationFn: async (format: 'pdf' | 'json') => {
      const issued = await apiJson<IssuedBookResponse>(`/api/v1/vehicles/${vehicleId}/maintenance-books`, { method: 'POST' });
      const path = `/api/v1/vehicles/${vehicleId}/maintenance-books/${issued.book.bookId}`;
      await downloadFile(format === 'pdf' ? `${path}/pdf` : path, `carnet-${issued.book.bookId}.${format}`);
      return issued;
    },
  });
  return (
    <Card withBorder data-testid="maintenance-book">
      <Stack>
        <Title order={2} size="h4">
          {t('card.title')}
        </Title>
        <Text size="sm">{t('card.intro')}</Text>
        {download.error ? <ErrorState error={download.error} /> : null}
        {download.data ? (
          <Alert color="teal" role="status" data-testid="book-issued">
            {t('card.issued', { entries: download.data.book.entries.length, kid: download.data.signature.kid })}
          </Alert>
        ) : null}
        <Group wrap="wrap">
          <Button onClick={() => download.mutate('pdf')} loading={download.isPending && download.variables === 'pdf'} data-testid="book-pdf">
            {t('card.issuePdf')}
          </Button>
          <Button variant="light" onClick={() => download.mutate('json')} loading={download.isPending && download.variables === 'json'} data-testid="book-json">
            {t('card.issueJson')}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}
