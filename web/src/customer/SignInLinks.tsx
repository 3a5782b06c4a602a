import { Anchor, Group } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

/** Under the public shell's sign-in form: create an account, or reset a forgotten password. */
export function SignInLinks() {
  const { t } = useTranslation(['signup', 'common']);
  return (
    <Group mt="md" gap="lg" wrap="wrap">
      <Anchor component={Link} to="/sign-up">
        {t('links.signUp')}
      </Anchor>
      <Anchor component={Link} to="/forgot-password">
        {t('links.forgot')}
      </Anchor>
      <Anchor component={Link} to="/resend-verification">
        {t('links.resend')}
      </Anchor>
    </Group>
  );
}
