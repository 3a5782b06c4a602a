import { Anchor, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { apiJson, downloadFile } from '../shell/api/client.ts';
import { formatDate } from '../shell/format.ts';
import { isLanguage } from '../shell/i18n/index.ts';
import { DueDates } from '../shell/ui/DueDates.tsx';
import { EmptyState, ErrorState, QueryState } from '../shell/ui/states.tsx';
import { StatusBadge } from '../workshop/WorkshopUi.tsx';
import type { WorkOrder } from '../workshop/workOrder.ts';
import { DocumentUpload } from './DocumentUpload.tsx';
import { MaintenanceBookCard } from '../workshop/MaintenanceBookCard.tsx';
import type { Vehicle } from './VehiclesScreen.tsx';
import classes from './customer.module.css';
import type { VehicleDocumentResponse } from '@ecar/contracts/responses/garage';

type DocumentMeta = VehicleDocumentResponse;

const EXTENSIONS: Record<string, string> = { 'application/pdf': 'pdf', 'image/jpeg': 'jpg', 'image/png': 'png' };

function Documents({ vehicleId }: { vehicleId: string }) {
  const { t, i18n } = useTranslation(['customer', 'workshop', 'common']);
  const language = isLanguage(i18n.language) ? i18n.language : 'fr';
  const documents = useQuery({ queryKey: ['vehicles', vehicleId, 'documents'], queryFn: ({ signal }) => apiJson<{ items: DocumentMeta[] }>(`/api/v1/vehicles/${vehicleId}/documents`, { signal }) });
  const download = useMutation({ mutationFn: (document: DocumentMeta) => downloadFile(`/api/v1/documents/${document.id}`, `carte-grise-${document.id}.${EXTENSIONS[document.contentType] ?? 'bin'}`) });
  return (
    <Card withBorder>
      <Stack>
        <Title order={2} size="h4">
          {t('vehicle.documents')}
        </Title>
        {download.error ? <ErrorState error={download.error} /> : null}
        <DocumentUpload vehicleId={vehicleId} />
        <QueryState query={documents}>
          {(data) =>
            data.items.length === 0 ? (
              <EmptyState>{t('vehicle.noDocuments')}</EmptyState>
            ) : (
              <ul className={classes.list}>
                {data.items.map((document) => (
                  <li key={document.id} data-testid="document-row">
                    <Group justify="space-between" wrap="wrap">
                      <Text>{t('vehicle.document', { date: formatDate(document.createdAt, language), size: Math.ceil(document.sizeBytes / 1024) })}</Text>
                      <Button size="xs" variant="light" onClick={() => download.mutate(document)}>
                        {t('vehicle.download')}
                      </Button>
                    </Group>
                  </li>
                ))}
              </ul>
            )
          }
        </QueryState>
      </Stack>
    </Card>
  );
}

function History({ vehicleId }: { vehicleId: string }) {
  const { t, i18n } = useTranslation(['customer', 'workshop', 'common']);
  const language = isLanguage(i18n.language) ? i18n.language : 'fr';
  const history = useQuery({ queryKey: ['vehicles', vehicleId, 'history'], queryFn: ({ signal }) => apiJson<{ workOrders: WorkOrder[] }>(`/api/v1/vehicles/${vehicleId}/history`, { signal }) });
  return (
    <Card withBorder>
      <Stack>
        <Title order={2} size="h4">
          {t('vehicle.history')}
        </Title>
        <QueryState query={history}>
          {(data) =>
            data.workOrders.length === 0 ? (
              <EmptyState>{t('vehicle.noHistory')}</EmptyState>
            ) : (
              <ul className={classes.list}>
                {data.workOrders.map((order) => (
                  <li key={order.id}>
                    <Group justify="space-between" wrap="wrap">
                      <Anchor component={Link} to={`/repairs/${order.id}`} className={classes.text}>
                        {`${formatDate(order.createdAt, language)} · ${order.complaint}`}
                      </Anchor>
                      <StatusBadge status={order.status} />
                    </Group>
                  </li>
                ))}
              </ul>
            )
          }
        </QueryState>
      </Stack>
    </Card>
  );
}

/** One vehicle: its details, next service, registration documents and service history. */
export default function VehicleScreen() {
  const { t, i18n } = useTranslation(['customer', 'workshop', 'common', 'reminders']);
  const language = isLanguage(i18n.language) ? i18n.language : 'fr';
  const { id = '' } = useParams();
  const vehicle = useQuery({ queryKey: ['vehicles', id], queryFn: ({ signal }) => apiJson<Vehicle>(`/api/v1/vehicles/${id}`, { signal }) });
  return (
    <Stack>
      <Anchor component={Link} to="/vehicles">
        {t('vehicle.back')}
      </Anchor>
      <QueryState query={vehicle}>
        {(data) => (
          <Stack>
            <Title order={1} className={classes.text}>{`${data.make} ${data.model} (${data.year})`}</Title>
            <Card withBorder>
              <dl className={classes.definitions}>
                <dt>{t('vehicles.plate')}</dt>
                <dd dir="ltr">{data.plate}</dd>
                <dt>{t('vehicles.mileage')}</dt>
                <dd>{t('vehicle.km', { km: data.mileageKm })}</dd>
                <dt>{t('vehicle.nextService')}</dt>
                <dd>
                  {[data.nextServiceDate ? formatDate(data.nextServiceDate, language) : null, data.nextServiceMileageKm !== null ? t('vehicle.km', { km: data.nextServiceMileageKm }) : null].filter(Boolean).join(' · ') || '—'}
                </dd>
              </dl>
            </Card>
            <Card withBorder data-testid="customer-dues">
              <Stack>
                <Title order={2} size="h4">
                  {t('reminders:dues.title')}
                </Title>
                <DueDates dues={data.dues} />
              </Stack>
            </Card>
            <Documents vehicleId={data.id} />
            <History vehicleId={data.id} />
            <MaintenanceBookCard vehicleId={data.id} />
          </Stack>
        )}
      </QueryState>
    </Stack>
  );
}
