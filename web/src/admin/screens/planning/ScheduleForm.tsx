import { Button, Group, NativeSelect, Stack, Text, TextInput } from '@mantine/core';
import type { BayResponse, FreeSlotResponse } from '@ecar/contracts/responses/garage';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiJson } from '../../../shell/api/client.ts';
import { formatTime, tunisDay } from '../../../shell/format.ts';
import { useTechnicians } from '../../lib/technicians.ts';
import { ActionResult, Section, useAction, useLanguage } from '../../lib/ui.tsx';

const DURATIONS = [30, 60, 90, 120, 180, 240, 480];

/**
 * Put an appointment or a work order on a technician and a bay: the times offered are the free
 * slots of that technician and bay on the chosen day for the chosen duration (the same query
 * online booking uses), so a taken time is never offered; the service still refuses an overlap.
 */
export function ScheduleForm({ path, invalidate }: { path: string; invalidate: ReadonlyArray<readonly unknown[]> }) {
  const { t } = useTranslation('planning');
  const language = useLanguage();
  const client = useQueryClient();
  const technicians = useTechnicians();
  const bays = useQuery({ queryKey: ['admin', 'bays'], queryFn: ({ signal }) => apiJson<BayResponse[]>('/api/v1/bays', { signal }) });
  const activeBays = (bays.data ?? []).filter((bay) => bay.active);
  const [technicianId, setTechnicianId] = useState('');
  const [bayId, setBayId] = useState('');
  const [day, setDay] = useState(() => tunisDay(Date.now() + 86_400_000));
  const [duration, setDuration] = useState('60');
  const [start, setStart] = useState('');
  const technician = technicianId || technicians.data?.[0]?.id || '';
  const bay = bayId || activeBays[0]?.id || '';
  const ready = technician !== '' && bay !== '' && /^\d{4}-\d{2}-\d{2}$/.test(day);
  const slots = useQuery({
    queryKey: ['admin', 'free-slots', technician, bay, day, duration],
    enabled: ready,
    queryFn: ({ signal }) => {
      const next = new Date(Date.parse(`${day}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
      return apiJson<FreeSlotResponse[]>('/api/v1/planning/free-slots', {
        query: { from: `${day}T00:00:00+01:00`, to: `${next}T00:00:00+01:00`, durationMinutes: Number(duration), technicianId: technician, bayId: bay },
        signal,
      });
    },
  });
  const free = slots.data ?? [];
  const chosen = free.some((slot) => slot.start === start) ? start : (free[0]?.start ?? '');
  const schedule = useAction(
    () => apiJson(path, { method: 'POST', json: { technicianId: technician, bayId: bay, start: chosen, durationMinutes: Number(duration) } }),
    [...invalidate, ['admin', 'planning']],
    () => void client.invalidateQueries({ queryKey: ['admin', 'free-slots'] }),
  );
  return (
    <Section title={t('schedule.title')} testId="schedule">
      {activeBays.length === 0 && bays.isSuccess ? <Text size="sm">{t('schedule.noBay')}</Text> : null}
      <Stack gap="xs">
        <Group align="flex-end" wrap="wrap">
          <NativeSelect label={t('schedule.technician')} data={(technicians.data ?? []).map((user) => ({ value: user.id, label: user.displayName }))} value={technician} onChange={(event) => setTechnicianId(event.currentTarget.value)} data-testid="schedule-technician" />
          <NativeSelect label={t('schedule.bay')} data={activeBays.map((item) => ({ value: item.id, label: item.name }))} value={bay} onChange={(event) => setBayId(event.currentTarget.value)} data-testid="schedule-bay" />
          <TextInput type="date" label={t('schedule.day')} value={day} onChange={(event) => setDay(event.currentTarget.value)} data-testid="schedule-day" />
          <NativeSelect label={t('schedule.duration')} data={DURATIONS.map((minutes) => ({ value: String(minutes), label: t('schedule.minutes', { n: minutes }) }))} value={duration} onChange={(event) => setDuration(event.currentTarget.value)} data-testid="schedule-duration" />
          <NativeSelect
            label={t('schedule.start')}
            data={free.map((slot) => ({ value: slot.start, label: formatTime(slot.start, language) }))}
            value={chosen}
            disabled={free.length === 0}
            onChange={(event) => setStart(event.currentTarget.value)}
            data-testid="schedule-start"
          />
        </Group>
        {ready && slots.isSuccess && free.length === 0 ? (
          <Text size="sm" role="status" data-testid="schedule-none">
            {t('schedule.none')}
          </Text>
        ) : null}
        <Group>
          <Button onClick={() => schedule.mutate()} disabled={!chosen} loading={schedule.isPending} data-testid="schedule-save">
            {t('schedule.save')}
          </Button>
        </Group>
        <ActionResult mutation={schedule} success={t('schedule.saved')} />
      </Stack>
    </Section>
  );
}
