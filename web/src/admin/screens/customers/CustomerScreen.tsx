import { Anchor, Button, Group, NativeSelect, Stack, Text, TextInput, Title } from '@mantine/core';
import { createVehicleBody, patchCustomerBody } from '@ecar/contracts/requests/garage';
import { zodResolver } from '@hookform/resolvers/zod';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { apiJson, downloadFile } from '../../../shell/api/client.ts';
import { useCursorList } from '../../../shell/api/paging.ts';
import { applyServerErrors } from '../../../shell/forms.ts';
import { CursorTable } from '../../../shell/ui/CursorTable.tsx';
import { useFieldError } from '../../../shell/ui/fields.ts';
import { FormError } from '../../../shell/ui/FormError.tsx';
import { formatDateTime } from '../../../shell/format.ts';
import { QueryState } from '../../../shell/ui/states.tsx';
import { checkBody, customerForm, vehicleForm, type CustomerForm, type VehicleForm } from '../../lib/forms.ts';
import type { ConsentMethod, Customer, Vehicle } from '../../lib/types.ts';
import { ActionResult, ConfirmButton, Section, StatusBadge, useAction, useLanguage } from '../../lib/ui.tsx';
import { CustomerFields } from './CustomerFields.tsx';

const NULLABLE = ['phone', 'email', 'address', 'cin', 'taxId'] as const;

function EditCustomer({ customer }: { customer: Customer }) {
  const { t } = useTranslation('admin');
  const client = useQueryClient();
  const [saved, setSaved] = useState(false);
  const form = useForm<CustomerForm>({
    resolver: zodResolver(customerForm),
    defaultValues: {
      kind: customer.kind,
      name: customer.name,
      phone: customer.phone ?? '',
      email: customer.email ?? '',
      address: customer.address ?? '',
      cin: customer.cin ?? '',
      taxId: customer.taxId ?? '',
      consentMethod: '',
    },
  });
  const submit = form.handleSubmit(async (values) => {
    setSaved(false);
    // Only what changed is sent; a cleared field becomes null (the service then erases it).
    const patch: Record<string, string | null> = {};
    if (values.name.trim() !== customer.name) patch['name'] = values.name.trim();
    for (const field of NULLABLE) {
      const next = values[field].trim() || null;
      if (next !== (customer[field] ?? null)) patch[field] = next;
    }
    if (Object.keys(patch).length === 0) return;
    const body = checkBody(form, patchCustomerBody, patch);
    if (!body) return;
    try {
      const updated = await apiJson<Customer>(`/api/v1/customers/${customer.id}`, { method: 'PATCH', json: body });
      client.setQueryData(['admin', 'customer', customer.id], updated);
      await client.invalidateQueries({ queryKey: ['admin', 'customers'] });
      setSaved(true);
    } catch (error) {
      applyServerErrors(form, error);
    }
  });
  return (
    <form onSubmit={submit} noValidate data-testid="customer-edit">
      <Stack gap="sm">
        <CustomerFields form={form} creating={false} />
        <FormError form={form} />
        <Group>
          <Button type="submit" loading={form.formState.isSubmitting}>
            {t('common.edit')}
          </Button>
          {saved ? (
            <Text size="sm" role="status">
              {t('customers.saved')}
            </Text>
          ) : null}
        </Group>
      </Stack>
    </form>
  );
}

function Consent({ customer }: { customer: Customer }) {
  const { t } = useTranslation('admin');
  const language = useLanguage();
  const [method, setMethod] = useState<ConsentMethod>('written-form');
  const record = useAction(
    (given: boolean) => apiJson<Customer>(`/api/v1/customers/${customer.id}/consent`, { method: 'POST', json: { given, method } }),
    [['admin', 'customer', customer.id]],
  );
  const { consent } = customer;
  return (
    <Stack gap="xs">
      <Text data-testid="consent-state">
        {consent.givenAt
          ? t('customers.consent.given', { date: formatDateTime(consent.givenAt, language), method: consent.method ? t(`customers.consent.methods.${consent.method}`) : '—' })
          : t('customers.consent.never')}
      </Text>
      {consent.withdrawnAt ? <Text>{t('customers.consent.withdrawn', { date: formatDateTime(consent.withdrawnAt, language) })}</Text> : null}
      <Group align="flex-end" wrap="wrap">
        <NativeSelect
          label={t('customers.consent.method')}
          value={method}
          onChange={(event) => setMethod(event.currentTarget.value as ConsentMethod)}
          data={(['written-form', 'electronic', 'in-person'] as const).map((value) => ({ value, label: t(`customers.consent.methods.${value}`) }))}
        />
        <Button onClick={() => record.mutate(true)} loading={record.isPending} data-testid="consent-give">
          {t('customers.consent.record')}
        </Button>
        <Button variant="default" onClick={() => record.mutate(false)} loading={record.isPending}>
          {t('customers.consent.withdraw')}
        </Button>
      </Group>
      <ActionResult mutation={record} success={t('common.done')} />
    </Stack>
  );
}

function Vehicles({ customer }: { customer: Customer }) {
  const { t } = useTranslation('admin');
  const fieldError = useFieldError();
  const client = useQueryClient();
  const list = useCursorList<Vehicle>(['admin', 'vehicles', customer.id], '/api/v1/vehicles', { customerId: customer.id }, { cursorParam: 'after' });
  const [adding, setAdding] = useState(false);
  const form = useForm<VehicleForm>({ resolver: zodResolver(vehicleForm), defaultValues: { plate: '', vin: '', make: '', model: '', year: String(new Date().getFullYear()), mileageKm: '0' } });
  const submit = form.handleSubmit(async (values) => {
    const body = checkBody(form, createVehicleBody, {
      customerId: customer.id,
      plate: values.plate,
      make: values.make,
      model: values.model,
      year: Number(values.year),
      mileageKm: Number(values.mileageKm),
      ...(values.vin ? { vin: values.vin.toUpperCase() } : {}),
    });
    if (!body) return;
    try {
      await apiJson<Vehicle>('/api/v1/vehicles', { method: 'POST', json: body });
      form.reset();
      setAdding(false);
      await client.invalidateQueries({ queryKey: ['admin', 'vehicles', customer.id] });
    } catch (error) {
      applyServerErrors(form, error);
    }
  });
  return (
    <Section
      title={t('customers.vehicles')}
      actions={
        customer.anonymisedAt ? null : (
          <Button variant="light" onClick={() => setAdding(!adding)} data-testid="vehicle-new">
            {adding ? t('common.back') : t('customers.addVehicle')}
          </Button>
        )
      }
    >
      {adding ? (
        <form onSubmit={submit} noValidate data-testid="vehicle-create">
          <Stack gap="xs">
            <TextInput label={t('vehicles.plate')} placeholder={t('vehicles.platePlaceholder')} required {...form.register('plate')} error={fieldError(form.formState.errors.plate)} />
            <TextInput label={t('vehicles.vin')} {...form.register('vin')} error={fieldError(form.formState.errors.vin)} />
            <TextInput label={t('vehicles.make')} required {...form.register('make')} error={fieldError(form.formState.errors.make)} />
            <TextInput label={t('vehicles.model')} required {...form.register('model')} error={fieldError(form.formState.errors.model)} />
            <TextInput label={t('vehicles.year')} inputMode="numeric" required {...form.register('year')} error={fieldError(form.formState.errors.year)} />
            <TextInput label={t('vehicles.mileage')} inputMode="numeric" required {...form.register('mileageKm')} error={fieldError(form.formState.errors.mileageKm)} />
            <FormError form={form} />
            <Group>
              <Button type="submit" loading={form.formState.isSubmitting}>
                {t('common.create')}
              </Button>
            </Group>
          </Stack>
        </form>
      ) : null}
      <CursorTable
        list={list}
        caption={t('customers.vehicles')}
        rowKey={(row) => row.id}
        columns={[
          {
            id: 'plate',
            header: t('vehicles.plate'),
            cell: (row) => (
              <Anchor component={Link} to={`/vehicles/${row.id}`} data-testid="vehicle-link">
                <bdi>{row.plate}</bdi>
              </Anchor>
            ),
          },
          { id: 'model', header: t('vehicles.model'), cell: (row) => `${row.make} ${row.model} (${row.year})` },
          { id: 'mileage', header: t('vehicles.mileage'), cell: (row) => row.mileageKm },
          { id: 'due', header: t('vehicles.serviceDue'), cell: (row) => (row.serviceDue ? <StatusBadge value="due" color="orange" label={t('vehicles.serviceDue')} /> : null) },
        ]}
      />
    </Section>
  );
}

export default function CustomerScreen() {
  const { t } = useTranslation('admin');
  const { id = '' } = useParams();
  const query = useQuery({ queryKey: ['admin', 'customer', id], queryFn: () => apiJson<Customer>(`/api/v1/customers/${id}`) });
  const anonymise = useAction(() => apiJson<Customer>(`/api/v1/customers/${id}/anonymise`, { method: 'POST', json: {} }), [['admin', 'customer', id], ['admin', 'customers']]);
  const exporting = useAction(() => downloadFile(`/api/v1/customers/${id}/export`, `customer-${id}.json`));
  return (
    <QueryState query={query}>
      {(customer) => (
        <Stack>
          <Group justify="space-between" wrap="wrap">
            <Title order={1} data-testid="customer-name">
              {customer.name}
            </Title>
            {customer.anonymisedAt ? <StatusBadge value="anonymised" label={t('customers.anonymised')} /> : null}
          </Group>
          <Group wrap="wrap">
            <Button variant="default" onClick={() => exporting.mutate()} loading={exporting.isPending} data-testid="customer-export">
              {t('customers.export')}
            </Button>
            <Anchor component={Link} to={`/appointments?customer=${customer.id}`}>
              {t('appointments.book')}
            </Anchor>
            <Anchor component={Link} to={`/audit?access=${encodeURIComponent(`customer:${customer.id}`)}`}>
              {t('customers.accessLog')}
            </Anchor>
            {customer.anonymisedAt ? null : (
              <ConfirmButton label={t('customers.anonymise')} question={t('customers.anonymiseConfirm')} color="red" onConfirm={() => anonymise.mutate()} loading={anonymise.isPending} testId="customer-anonymise" />
            )}
          </Group>
          <ActionResult mutation={exporting} />
          <ActionResult mutation={anonymise} success={t('customers.anonymisedDone')} />
          {customer.anonymisedAt ? null : (
            <Section title={t('customers.editTitle')}>
              <EditCustomer key={customer.updatedAt} customer={customer} />
            </Section>
          )}
          <Section title={t('customers.consent.title')}>
            <Consent customer={customer} />
          </Section>
          <Vehicles customer={customer} />
        </Stack>
      )}
    </QueryState>
  );
}
