import { Badge, Group, Text } from '@mantine/core';
import type { VehicleDueResponse } from '@ecar/contracts/responses/garage';
import { useTranslation } from 'react-i18next';
import { formatDate } from '../format.ts';
import { isLanguage } from '../i18n/index.ts';
import classes from './dueDates.module.css';

/** "Tomorrow", "In 5 days", "Overdue since …", and for a service by mileage the kilometres left. */
function timing(item: VehicleDueResponse, t: ReturnType<typeof useTranslation<'reminders'>>['t'], language: 'fr' | 'ar' | 'en'): string[] {
  const parts: string[] = [];
  if (item.daysLeft !== null && item.dueDate !== null) {
    if (item.daysLeft < 0) parts.push(t('dues.lateSince', { date: formatDate(item.dueDate, language) }));
    else if (item.daysLeft === 0) parts.push(t('dues.today'));
    else if (item.daysLeft === 1) parts.push(t('dues.tomorrow'));
    else parts.push(t('dues.inDays', { count: item.daysLeft }));
  }
  if (item.kmLeft !== null) parts.push(item.kmLeft > 0 ? t('dues.kmLeft', { km: item.kmLeft }) : t('dues.kmOver', { km: -item.kmLeft }));
  return parts;
}

/**
 * What a vehicle is due for (the service's `dues`: next service by date and/or mileage, visite
 * technique, insurance, vignette), soonest first; a due item is flagged. Used by the back office
 * and the customer's vehicle screen.
 */
export function DueDates({ dues, compact = false }: { dues: readonly VehicleDueResponse[]; compact?: boolean }) {
  const { t, i18n } = useTranslation('reminders');
  const language = isLanguage(i18n.language) ? i18n.language : 'fr';
  if (dues.length === 0) return <Text size="sm">{t('dues.none')}</Text>;
  return (
    <ul className={classes.list} data-testid="due-dates">
      {dues.map((item) => (
        <li key={item.kind} data-testid="due-item" data-kind={item.kind} data-due={item.due ? 'yes' : 'no'}>
          <Group gap="xs" wrap="wrap">
            <Text fw={600} size="sm">
              {t(`kinds.${item.kind}`)}
            </Text>
            <Text size="sm">
              {[item.dueDate ? formatDate(item.dueDate, language) : null, item.dueMileageKm !== null ? t('dues.atKm', { km: item.dueMileageKm }) : null].filter(Boolean).join(' · ')}
            </Text>
            {compact ? null : <Text size="sm" c="gray.8">{timing(item, t, language).join(' · ')}</Text>}
            {item.due ? (
              <Badge color="orange" variant="light" c="dark.8" data-status="due">
                {t('dues.due')}
              </Badge>
            ) : null}
          </Group>
        </li>
      ))}
    </ul>
  );
}
