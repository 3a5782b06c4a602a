import { Anchor, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useMe } from '../../../shell/auth/session.tsx';
import { appScreens } from '../../screens.ts';

/** The signed-in user's start page: a greeting and the sections their role may open. */
export default function HomeScreen() {
  const { t } = useTranslation();
  const me = useMe();
  const sections = appScreens.filter((screen) => screen.path !== '' && screen.nav && screen.roles !== 'public' && screen.roles.includes(me.role));
  return (
    <Stack>
      <Title order={1}>{t('home.title', { name: me.displayName || me.email })}</Title>
      <Text>{t('home.intro')}</Text>
      <Stack gap="xs">
        {sections.map((screen) => (
          <Anchor key={screen.path} component={Link} to={`/${screen.path}`}>
            {screen.nav?.label(t)}
          </Anchor>
        ))}
      </Stack>
    </Stack>
  );
}
