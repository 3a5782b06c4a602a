import { Anchor, Button, Group, Stack, Table, Text, TextInput, Textarea, Title } from '@mantine/core';
import { openWorkOrderBody } from '@ecar/contracts/requests/garage';
import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { apiJson, downloadFile } from '../../../shell/api/client.ts';
import { applyServerErrors } from '../../../shell/forms.ts';
import { useFieldError } from '../../../shell/ui/fields.ts';
import { FormError } from '../../../shell/ui/FormError.tsx';
import { ScrollX } from '../../../shell/ui/ScrollX.tsx';
import { DueDates } from '../../../shell/ui/DueDates.tsx';
import { EmptyState, QueryState } from '../../../shell/ui/states.tsx';
import { checkBody } from '../../lib/forms.ts';
import { WORK_ORDER_COLOR } from '../../lib/status.ts';
import type { Vehicle, VehicleDocument, WorkOrder, WorkOrderLine } from '../../lib/types.ts';
import { ActionResult, Money, Reference, Section, StatusBadge, useAction, When } from '../../lib/ui.tsx';
import { EditVehicle } from './EditVehicle.tsx';
import { MaintenanceBookCard } from '../../../workshop/MaintenanceBookCard.tsx';

const EXTENSION: Record<string, string> = { 'application/pdf': 'pdf', 'image/jpeg': 'jpg', 'image/png': 'png' };

function lineTotal(line: WorkOrderLine): number {
  return Math.round((line.quantityMilli * line.unitPriceMillimes) / 1000);
}

function Documents({ vehicle }: { vehicle: Vehicle }) {
  const { t } = useTranslation('admin');
  const inputId = useId();
  const [file, setFile] = useState<File | null>(null);
  const query = useQuery({ queryKey: ['admin', 'documents', vehicle.id], queryFn: () => apiJson<{ items: VehicleDocument[] }>(`/api/v1/vehicles/${vehicle.id}/documents`) });
  const upload = useAction(
    async () => {
      if (!file) return;
      await apiJson(`/api/v1/vehicles/${vehicle.id}/documents`, { method: 'POST', raw: { body: file, contentType: file.type || 'application/octet-stream' } });
    },
    [['admin', 'documents', vehicle.id]],
    () => setFile(null),
  );
  const download = useAction((document: VehicleDocument) => downloadFile(`/api/v1/documents/${document.id}`, `registration-${document.id}.${EXTENSION[document.contentType] ?? 'bin'}`));
  return (
    <Section title={t('vehicles.documents')} testId="documents">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          upload.mutate();
        }}
      >
        <Stack gap="xs">
          <label htmlFor={inputId}>{t('vehicles.upload')}</label>
          <input id={inputId} type="file" accept="application/pdf,image/jpeg,image/png" data-testid="document-file" onChange={(event) => setFile(event.currentTarget.files?.[0] ?? null)} />
          <Group>
            <Button type="submit" disabled={!file} loading={upload.isPending} data-testid="document-upload">
              {t('vehicles.uploadAction')}
            </Button>
          </Group>
          <ActionResult mutation={upload} success={t('vehicles.uploaded')} />
        </Stack>
      </form>
      <QueryState query={query} isEmpty={(data) => data.items.length === 0}>
        {(data) => (
          <ScrollX label={t('vehicles.documents')}>
            <Table miw={420}>
              <Table.Caption c="gray.8">{t('vehicles.documents')}</Table.Caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('vehicles.docType')}</Table.Th>
                  <Table.Th scope="col">{t('vehicles.docSize')}</Table.Th>
                  <Table.Th scope="col">{t('vehicles.docDate')}</Table.Th>
                  <Table.Th scope="col">{t('common.actions')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.items.map((document) => (
                  <Table.Tr key={document.id} data-testid="document-row">
                    <Table.Td>{document.contentType}</Table.Td>
                    <Table.Td>{`${Math.ceil(document.sizeBytes / 1024)} KiB`}</Table.Td>
                    <Table.Td>
                      <When at={document.createdAt} />
                    </Table.Td>
                    <Table.Td>
                      <Button size="xs" variant="light" onClick={() => download.mutate(document)} data-testid="document-download">
                        {t('common.download')}
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollX>
        )}
      </QueryState>
      <ActionResult mutation={download} />
    </Section>
  );
}

interface WalkInForm {
  complaint: string;
  mileageInKm: string;
}

function OpenWorkOrder({ vehicle }: { vehicle: Vehicle }) {
  const { t } = useTranslation('admin');
  const fieldError = useFieldError();
  const navigate = useNavigate();
  const form = useForm<WalkInForm>({ defaultValues: { complaint: '', mileageInKm: String(vehicle.mileageKm) } });
  const submit = form.handleSubmit(async (values) => {
    const body = checkBody(form, openWorkOrderBody, {
      customerId: vehicle.customerId,
      vehicleId: vehicle.id,
      complaint: values.complaint,
      ...(values.mileageInKm.trim() ? { mileageInKm: Number(values.mileageInKm) } : {}),
    });
    if (!body) return;
    try {
      const order = await apiJson<WorkOrder>('/api/v1/work-orders', { method: 'POST', json: body });
      await navigate(`/work-orders/${order.id}`);
    } catch (error) {
      applyServerErrors(form, error);
    }
  });
  return (
    <form onSubmit={submit} noValidate data-testid="work-order-create">
      <Stack gap="xs">
        <Textarea label={t('workOrders.complaint')} required rows={3} {...form.register('complaint')} error={fieldError(form.formState.errors.complaint)} />
        <TextInput label={t('workOrders.mileageIn')} inputMode="numeric" {...form.register('mileageInKm')} error={fieldError(form.formState.errors.mileageInKm)} />
        <FormError form={form} />
        <Group>
          <Button type="submit" loading={form.formState.isSubmitting}>
            {t('vehicles.newWorkOrder')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export default function VehicleScreen() {
  const { t } = useTranslation(['admin', 'reminders']);
  const { id = '' } = useParams();
  const history = useQuery({
    queryKey: ['admin', 'vehicle-history', id],
    queryFn: () => apiJson<{ vehicle: Vehicle; workOrders: Array<WorkOrder & { lines: WorkOrderLine[] }> }>(`/api/v1/vehicles/${id}/history`),
  });
  return (
    <QueryState query={history}>
      {({ vehicle, workOrders }) => (
        <Stack>
          <Title order={1}>
            <bdi data-testid="vehicle-plate">{vehicle.plate}</bdi>
          </Title>
          <Text>{`${vehicle.make} ${vehicle.model} (${vehicle.year}) · ${vehicle.mileageKm} km`}</Text>
          <Group>
            <Anchor component={Link} to={`/customers/${vehicle.customerId}`}>
              {t('workOrders.customer')}
            </Anchor>
            {vehicle.vin ? <Text size="sm">{`${t('vehicles.vin')} : ${vehicle.vin}`}</Text> : null}
            {vehicle.serviceDue ? <StatusBadge value="due" color="orange" label={t('vehicles.serviceDue')} /> : null}
          </Group>
          <Section title={t('reminders:dues.title')} testId="vehicle-dues">
            <DueDates dues={vehicle.dues} />
          </Section>
          <Section title={t('vehicleEdit.title')} testId="vehicle-edit-section">
            <EditVehicle vehicle={vehicle} />
          </Section>
          <Section title={t('vehicles.newWorkOrder')}>
            <OpenWorkOrder vehicle={vehicle} />
          </Section>
          <Documents vehicle={vehicle} />
          <Section title={t('vehicles.history')} testId="history">
            {workOrders.length === 0 ? (
              <EmptyState>{t('vehicles.noHistory')}</EmptyState>
            ) : (
              <Stack gap="xs">
                {workOrders.map((order) => (
                  <Stack key={order.id} gap={2} data-testid="history-entry">
                    <Group gap="xs" wrap="wrap">
                      <Anchor component={Link} to={`/work-orders/${order.id}`}>
                        <Reference number={order.number} id={order.id} />
                      </Anchor>
                      <When at={order.createdAt} dateOnly />
                      <StatusBadge value={order.status} color={WORK_ORDER_COLOR[order.status]} label={t(`workOrders.statuses.${order.status}`)} />
                    </Group>
                    <Text size="sm" dir="auto">
                      {order.complaint}
                    </Text>
                    {order.lines.map((line) => (
                      <Text size="sm" key={line.id} dir="auto">
                        {`${t(`workOrders.lineKinds.${line.kind}`)} · ${line.description} · `}
                        <Money millimes={lineTotal(line)} />
                      </Text>
                    ))}
                  </Stack>
                ))}
              </Stack>
            )}
          </Section>
          <MaintenanceBookCard vehicleId={vehicle.id} />
        </Stack>
      )}
    </QueryState>
  );
}
