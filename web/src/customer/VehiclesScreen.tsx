import { zodResolver } from '@hookform/resolvers/zod';
import { Alert, Anchor, Button, Card, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { z } from '../workshop/zod.ts';
import { apiJson } from '../shell/api/client.ts';
import { useCursorList } from '../shell/api/paging.ts';
import { applyServerErrors } from '../shell/forms.ts';
import { useFieldError } from '../shell/ui/fields.ts';
import { FormError } from '../shell/ui/FormError.tsx';
import { EmptyState, ErrorState, LoadingState, QueryState } from '../shell/ui/states.tsx';
import { useMyProfile } from './profile.ts';
import classes from './customer.module.css';
import type { PlateClaimReceiptResponse, VehicleResponse } from '@ecar/contracts/responses/garage';

/** GET /api/v1/vehicles/:id (@ecar/contracts: one definition for every screen). */
export type Vehicle = VehicleResponse;

/** Text inputs as typed; numbers are converted on submit and the service's own errors land here too. */
const vehicleForm = z.object({
  plate: z.string().trim().min(1).max(32),
  make: z.string().trim().min(1).max(60),
  model: z.string().trim().min(1).max(60),
  year: z.string().regex(/^\d{4}$/),
  mileageKm: z.string().regex(/^\d{1,7}$/),
});
type VehicleForm = z.infer<typeof vehicleForm>;

function AddVehicle({ customerId, onDone }: { customerId: string; onDone: () => void }) {
  const { t } = useTranslation(['customer', 'workshop', 'common']);
  const queryClient = useQueryClient();
  const fieldError = useFieldError();
  const form = useForm<VehicleForm>({ resolver: zodResolver(vehicleForm), defaultValues: { plate: '', make: '', model: '', year: '', mileageKm: '' } });
  const create = useMutation({
    mutationFn: (values: VehicleForm) =>
      apiJson<Vehicle | PlateClaimReceiptResponse>('/api/v1/vehicles', { method: 'POST', json: { customerId, ...values, year: Number(values.year), mileageKm: Number(values.mileageKm) } }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['vehicles'] }),
  });
  // A plate already on record becomes a claim the garage checks (202): the form says so and stays open.
  const [claimPending, setClaimPending] = useState(false);
  const submit = form.handleSubmit(async (values) => {
    try {
      const created = await create.mutateAsync(values);
      if ('claim' in created) {
        setClaimPending(true);
        return;
      }
      onDone();
    } catch (error) {
      applyServerErrors(form, error);
    }
  });
  const errors = form.formState.errors;
  return (
    <Card withBorder>
      <form onSubmit={submit} noValidate aria-labelledby="add-vehicle-title">
        <Stack className={classes.narrow}>
          <Title order={2} size="h4" id="add-vehicle-title">
            {t('vehicles.addTitle')}
          </Title>
          <FormError form={form} />
          {claimPending ? (
            <Alert color="blue" role="status" data-testid="plate-claim-pending">
              {t('vehicles.claimPending')}
            </Alert>
          ) : null}
          <TextInput label={t('vehicles.plate')} description={t('vehicles.plateHint')} {...form.register('plate')} error={fieldError(errors.plate)} />
          <TextInput label={t('vehicles.make')} {...form.register('make')} error={fieldError(errors.make)} />
          <TextInput label={t('vehicles.model')} {...form.register('model')} error={fieldError(errors.model)} />
          <TextInput label={t('vehicles.year')} inputMode="numeric" {...form.register('year')} error={fieldError(errors.year)} />
          <TextInput label={t('vehicles.mileage')} inputMode="numeric" {...form.register('mileageKm')} error={fieldError(errors.mileageKm)} />
          <Group>
            <Button type="submit" loading={form.formState.isSubmitting}>
              {t('vehicles.save')}
            </Button>
            <Button variant="default" onClick={onDone}>
              {t('common:actions.cancel')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

/** The customer's vehicles, and registering another one. */
export default function VehiclesScreen() {
  const { t } = useTranslation(['customer', 'workshop', 'common']);
  const profile = useMyProfile();
  const [adding, setAdding] = useState(false);
  const vehicles = useCursorList<Vehicle>(['vehicles', 'mine'], '/api/v1/vehicles', {}, { cursorParam: 'after' });
  return (
    <Stack>
      <Group justify="space-between" wrap="wrap">
        <Title order={1}>{t('vehicles.title')}</Title>
        {!adding ? (
          <Button variant="light" onClick={() => setAdding(true)} disabled={!profile.data}>
            {t('vehicles.add')}
          </Button>
        ) : null}
      </Group>
      {adding ? <QueryState query={profile}>{(own) => (own ? <AddVehicle customerId={own.id} onDone={() => setAdding(false)} /> : <LoadingState label={t('profile.preparing')} />)}</QueryState> : null}
      {vehicles.query.isPending ? (
        <LoadingState />
      ) : vehicles.query.error && vehicles.items.length === 0 ? (
        <ErrorState error={vehicles.query.error} onRetry={() => void vehicles.query.refetch()} />
      ) : vehicles.items.length === 0 ? (
        <EmptyState>{t('vehicles.none')}</EmptyState>
      ) : (
        <ul className={classes.list} aria-label={t('vehicles.title')}>
          {vehicles.items.map((vehicle) => (
            <li key={vehicle.id}>
              <Card withBorder data-testid="vehicle">
                <Stack gap={4}>
                  <Text fw={700} className={classes.text}>{`${vehicle.make} ${vehicle.model} (${vehicle.year})`}</Text>
                  <Text dir="ltr" className={classes.text}>
                    {vehicle.plate}
                  </Text>
                  {vehicle.serviceDue ? <Text c="red.9">{t('vehicles.serviceDue')}</Text> : null}
                  <Anchor component={Link} to={`/vehicles/${vehicle.id}`}>
                    {t('vehicles.open')}
                  </Anchor>
                </Stack>
              </Card>
            </li>
          ))}
        </ul>
      )}
      {vehicles.hasMore ? (
        <Button variant="default" loading={vehicles.query.isFetchingNextPage} onClick={vehicles.loadMore}>
          {t('common:actions.loadMore')}
        </Button>
      ) : null}
    </Stack>
  );
}
