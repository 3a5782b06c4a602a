import { Button, NativeSelect, NavLink as MantineNavLink } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink, useNavigate } from 'react-router';
import { useMe, useSession } from '../auth/session.tsx';
import { LANGUAGES, changeLanguage, isLanguage } from '../i18n/index.ts';
import type { Screen } from '../screens.ts';
import classes from './shell.module.css';

export function LanguageSelect() {
  const { t, i18n } = useTranslation();
  return (
    <NativeSelect
      aria-label={t('language.label')}
      size="xs"
      value={i18n.language}
      data={LANGUAGES.map((language) => ({ value: language, label: t(`language.${language}`) }))}
      onChange={(event) => {
        const language = event.currentTarget.value;
        if (isLanguage(language)) void changeLanguage(language);
      }}
    />
  );
}

/** Header (brand, who, language, sign-out), the role's navigation, and the screen. */
export function Layout({ screens, children }: { screens: readonly Screen[]; children: ReactNode }) {
  const { t } = useTranslation();
  const me = useMe();
  const { signOut } = useSession();
  const navigate = useNavigate();
  const visible = screens.filter((screen) => screen.nav && screen.roles !== 'public' && screen.roles.includes(me.role));
  return (
    <>
      <a href="#main" className={classes.skip}>
        {t('nav.label')}
      </a>
      <header className={classes.header}>
        <NavLink to="/" className={classes.brand}>
          {t('appName')}
        </NavLink>
        <span className={classes.spacer} />
        <span className={classes.who} data-testid="who">
          {`${me.displayName || me.email} · ${t(`roles.${me.role}`)}`}
        </span>
        <LanguageSelect />
        <Button
          size="xs"
          variant="white"
          onClick={async () => {
            await signOut();
            await navigate('/');
          }}
        >
          {t('actions.signOut')}
        </Button>
      </header>
      <div className={classes.body}>
        {visible.length > 1 ? (
          <nav className={classes.nav} aria-label={t('nav.label')}>
            {visible.map((screen) => (
              <MantineNavLink key={screen.path} component={NavLink} to={`/${screen.path}`} end={screen.path === ''} label={screen.nav?.label(t)} data-screen={screen.path || 'home'} />
            ))}
          </nav>
        ) : null}
        <main id="main" className={classes.main} tabIndex={-1}>
          {children}
        </main>
      </div>
    </>
  );
}
