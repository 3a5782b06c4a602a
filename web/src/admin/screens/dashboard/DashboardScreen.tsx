import { Stack, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';

export default function DashboardScreen() {
  const { t } = useTranslation('dashboard');
  return (
    <Stack>
      <Title order={1}>{t('title')}</Title>
    </Stack>
  );
}
