import { Button, Group, NativeSelect, Stack, Text, TextInput } from '@mantine/core';
import { patchVehicleBody } from '@ecar/contracts/requests/garage';
import { zodResolver } from '@hookform/resolvers/zod';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useForm, type UseFormReturn } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { apiJson } from '../../../shell/api/client.ts';
import { applyServerErrors } from '../../../shell/forms.ts';
import { useFieldError } from '../../../shell/ui/fields.ts';
import { FormError } from '../../../shell/ui/FormError.tsx';
import { checkBody, vehicleForm } from '../../lib/forms.ts';
import type { Vehicle } from '../../lib/types.ts';
import classes from './vehicle.module.css';

/** The vehicle form of the customer screen, plus the next-service reminder (both optional). */
const editVehicleForm = vehicleForm.extend({
  nextServiceDate: z.string().regex(/^(\d{4}-\d{2}-\d{2})?$/),
  nextServiceMileageKm: z.string().regex(/^(\d{1,7})?$/),
  technicalInspectionDue: z.string().regex(/^(\d{4}-\d{2}-\d{2})?$/),
  insuranceDue: z.string().regex(/^(\d{4}-\d{2}-\d{2})?$/),
  vignetteDue: z.string().regex(/^(\d{4}-\d{2}-\d{2})?$/),
  nextServiceFromCannedJobId: z.string(),
});
type EditVehicleForm = z.infer<typeof editVehicleForm>;

function valuesOf(vehicle: Vehicle): EditVehicleForm {
  return {
    plate: vehicle.plate,
    vin: vehicle.vin ?? '',
    make: vehicle.make,
    model: vehicle.model,
    year: String(vehicle.year),
    mileageKm: String(vehicle.mileageKm),
    nextServiceDate: vehicle.nextServiceDate ?? '',
    nextServiceMileageKm: vehicle.nextServiceMileageKm === null ? '' : String(vehicle.nextServiceMileageKm),
    technicalInspectionDue: vehicle.technicalInspectionDue ?? '',
    insuranceDue: vehicle.insuranceDue ?? '',
    vignetteDue: vehicle.vignetteDue ?? '',
    nextServiceFromCannedJobId: '',
  };
}

interface IntervalJob {
  id: string;
  name: string;
  serviceIntervalMonths: number | null;
  serviceIntervalKm: number | null;
}

/** The canned jobs that carry a service interval: choosing one sets the next service from it (today + months, mileage + km). */
function IntervalJobs({ form, error }: { form: UseFormReturn<EditVehicleForm>; error: string | undefined }) {
  const { t } = useTranslation(['admin', 'reminders']);
  const jobs = useQuery({ queryKey: ['admin', 'canned-jobs', 'intervals'], queryFn: ({ signal }) => apiJson<{ items: IntervalJob[] }>('/api/v1/canned-jobs', { query: { limit: 100 }, signal }) });
  const withInterval = (jobs.data?.items ?? []).filter((job) => job.serviceIntervalMonths !== null || job.serviceIntervalKm !== null);
  return (
    <NativeSelect
      label={t('reminders:form.fromCannedJob')}
      description={t('reminders:form.fromCannedJobHint')}
      {...form.register('nextServiceFromCannedJobId')}
      error={error}
      data-testid="next-service-from-job"
      data={[
        { value: '', label: t('reminders:form.fromCannedJobNone') },
        ...withInterval.map((job) => ({ value: job.id, label: [job.name, job.serviceIntervalMonths ? `${job.serviceIntervalMonths} m` : null, job.serviceIntervalKm ? `${job.serviceIntervalKm} km` : null].filter(Boolean).join(' · ') })),
      ]}
    />
  );
}

/**
 * Staff edit of a vehicle (PATCH /api/v1/vehicles/:id): only what changed is sent, a cleared VIN
 * or reminder becomes null; the service's field errors (a plate already registered, a mileage
 * lower than recorded) land on their fields.
 */
export function EditVehicle({ vehicle }: { vehicle: Vehicle }) {
  const { t } = useTranslation(['admin', 'reminders']);
  const fieldError = useFieldError();
  const client = useQueryClient();
  const [saved, setSaved] = useState(false);
  const form = useForm<EditVehicleForm>({ resolver: zodResolver(editVehicleForm), defaultValues: valuesOf(vehicle) });
  const submit = form.handleSubmit(async (values) => {
    setSaved(false);
    const before = valuesOf(vehicle);
    const patch: Record<string, string | number | null> = {};
    for (const field of ['plate', 'make', 'model'] as const) if (values[field].trim() !== before[field]) patch[field] = values[field].trim();
    for (const field of ['year', 'mileageKm'] as const) if (values[field] !== before[field]) patch[field] = Number(values[field]);
    if (values.vin.trim().toUpperCase() !== before.vin.toUpperCase()) patch['vin'] = values.vin.trim().toUpperCase() || null;
    if (values.nextServiceDate !== before.nextServiceDate) patch['nextServiceDate'] = values.nextServiceDate || null;
    if (values.nextServiceMileageKm !== before.nextServiceMileageKm) patch['nextServiceMileageKm'] = values.nextServiceMileageKm ? Number(values.nextServiceMileageKm) : null;
    for (const field of ['technicalInspectionDue', 'insuranceDue', 'vignetteDue'] as const) if (values[field] !== before[field]) patch[field] = values[field] || null;
    if (values.nextServiceFromCannedJobId) {
      // The canned job's interval sets the next service: the hand-typed one is not sent with it.
      delete patch['nextServiceDate'];
      delete patch['nextServiceMileageKm'];
      patch['nextServiceFromCannedJobId'] = values.nextServiceFromCannedJobId;
    }
    if (Object.keys(patch).length === 0) return;
    const body = checkBody(form, patchVehicleBody, patch);
    if (!body) return;
    try {
      const updated = await apiJson<Vehicle>(`/api/v1/vehicles/${vehicle.id}`, { method: 'PATCH', json: body });
      form.reset(valuesOf(updated));
      await client.invalidateQueries({ queryKey: ['admin', 'vehicle-history', vehicle.id] });
      await client.invalidateQueries({ queryKey: ['admin', 'vehicles', vehicle.customerId] });
      setSaved(true);
    } catch (error) {
      applyServerErrors(form, error);
    }
  });
  const errors = form.formState.errors;
  return (
    <form onSubmit={submit} noValidate data-testid="vehicle-edit">
      <Stack gap="sm">
        <div className={classes.fields}>
          <TextInput label={t('vehicles.plate')} required dir="ltr" {...form.register('plate')} error={fieldError(errors.plate)} />
          <TextInput label={t('vehicles.vin')} dir="ltr" {...form.register('vin')} error={fieldError(errors.vin)} />
          <TextInput label={t('vehicles.make')} required {...form.register('make')} error={fieldError(errors.make)} />
          <TextInput label={t('vehicles.model')} required {...form.register('model')} error={fieldError(errors.model)} />
          <TextInput label={t('vehicles.year')} required inputMode="numeric" {...form.register('year')} error={fieldError(errors.year)} />
          <TextInput label={t('vehicles.mileage')} required inputMode="numeric" {...form.register('mileageKm')} error={fieldError(errors.mileageKm)} />
          <TextInput label={t('vehicles.nextServiceDate')} type="date" {...form.register('nextServiceDate')} error={fieldError(errors.nextServiceDate)} />
          <TextInput label={t('vehicles.nextServiceMileage')} inputMode="numeric" {...form.register('nextServiceMileageKm')} error={fieldError(errors.nextServiceMileageKm)} />
          <IntervalJobs form={form} error={fieldError(errors.nextServiceFromCannedJobId)} />
          <TextInput label={t('reminders:form.technicalInspectionDue')} type="date" {...form.register('technicalInspectionDue')} error={fieldError(errors.technicalInspectionDue)} data-testid="due-technical-inspection" />
          <TextInput label={t('reminders:form.insuranceDue')} type="date" {...form.register('insuranceDue')} error={fieldError(errors.insuranceDue)} data-testid="due-insurance" />
          <TextInput label={t('reminders:form.vignetteDue')} type="date" {...form.register('vignetteDue')} error={fieldError(errors.vignetteDue)} data-testid="due-vignette" />
        </div>
        <FormError form={form} />
        <Group>
          <Button type="submit" loading={form.formState.isSubmitting} data-testid="vehicle-save">
            {t('vehicleEdit.save')}
          </Button>
          {saved ? (
            <Text role="status" data-testid="vehicle-saved">
              {t('vehicleEdit.saved')}
            </Text>
          ) : null}
        </Group>
      </Stack>
    </form>
  );
}
