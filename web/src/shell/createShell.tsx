import './zod-jitless.ts';
// First-load styles: only the Mantine files of the components the shell itself renders (sign-in,
// layout, loading and error states), in the order of Mantine's styles.css. Every lazy module
// also waits for the whole stylesheet (withFullStyles), so screens may use any component.
import '@mantine/core/styles/baseline.layer.css';
import '@mantine/core/styles/global.layer.css';
import '@mantine/core/styles/UnstyledButton.layer.css';
import '@mantine/core/styles/VisuallyHidden.layer.css';
import '@mantine/core/styles/Paper.layer.css';
import '@mantine/core/styles/Loader.layer.css';
import '@mantine/core/styles/ActionIcon.layer.css';
import '@mantine/core/styles/CloseButton.layer.css';
import '@mantine/core/styles/Group.layer.css';
import '@mantine/core/styles/Input.layer.css';
import '@mantine/core/styles/Alert.layer.css';
import '@mantine/core/styles/Text.layer.css';
import '@mantine/core/styles/Anchor.layer.css';
import '@mantine/core/styles/Combobox.layer.css';
import '@mantine/core/styles/Button.layer.css';
import '@mantine/core/styles/Center.layer.css';
import '@mantine/core/styles/Code.layer.css';
import '@mantine/core/styles/Image.layer.css';
import '@mantine/core/styles/List.layer.css';
import '@mantine/core/styles/NavLink.layer.css';
import '@mantine/core/styles/PasswordInput.layer.css';
import '@mantine/core/styles/Stack.layer.css';
import '@mantine/core/styles/Table.layer.css';
import '@mantine/core/styles/Title.layer.css';
import 'virtual:ecar/mantine-variables.css';
import '@fontsource/noto-sans-arabic/arabic-400.css';
import '@fontsource/noto-sans-arabic/arabic-700.css';
import { DirectionProvider, MantineProvider, Text, useDirection } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { Component, Suspense, lazy, use, useEffect, type ComponentType, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Navigate, Outlet, useRoutes, type RouteObject } from 'react-router';
import { ApiError, apiJson, withQuery } from './api/client.ts';
import { landingMayOpen, landingScreen, loadScreen, takeEarlyQueries, withFullStyles } from './boot.ts';
import { ME_KEY, SessionProvider, fetchMe, useSession } from './auth/session.tsx';
import { SignInFlow } from './auth/SignInFlow.tsx';
import { directionOf, initI18n, isLanguage } from './i18n/index.ts';
import type { Namespace } from './i18n/namespaces.ts';
import { SHELL_BASE, shellOf, type Screen, type ShellArea } from './screens.ts';
import { theme } from './theme.ts';
import { Layout, LanguageSelect } from './ui/Layout.tsx';
import { ErrorState, LoadingState } from './ui/states.tsx';
import classes from './ui/shell.module.css';

class ErrorBoundary extends Component<{ children: ReactNode }, { error: unknown }> {
  override state: { error: unknown } = { error: undefined };
  static getDerivedStateFromError(error: unknown) {
    return { error };
  }
  override render() {
    return this.state.error ? <ErrorState error={this.state.error} onRetry={() => this.setState({ error: undefined })} /> : this.props.children;
  }
}

/** Keeps Mantine's direction (and so its RTL styles) in step with the language. */
function DirectionSync() {
  const { i18n } = useTranslation();
  const { setDirection } = useDirection();
  useEffect(() => {
    const language = isLanguage(i18n.language) ? i18n.language : 'fr';
    setDirection(directionOf(language));
  }, [i18n.language, setDirection]);
  return null;
}

/** Screens whose translations load before they render, on top of common and auth. */
function ScreenWithNamespaces({ screen, Screen: Loaded }: { screen: Screen; Screen: ComponentType }) {
  useTranslation(screen.namespaces ? [...screen.namespaces] : 'common');
  return <Loaded />;
}

function SignInPage({ extras }: { extras?: ComponentType | undefined }) {
  const { signedIn } = useSession();
  const Extras = extras;
  return (
    <>
      <header className={classes.header}>
        <span className={classes.brand}>ECAR</span>
        <span className={classes.spacer} />
        <LanguageSelect />
      </header>
      <main id="main" className={classes.main}>
        <SignInFlow onDone={signedIn} />
        {Extras ? <Extras /> : null}
      </main>
    </>
  );
}

/** Loaded only when a session expires (Mantine's Modal is not needed on the first load). */
const ExpiredDialog = lazy(withFullStyles(() => import('./auth/ExpiredDialog.tsx')));

/**
 * A screen's component loaded on demand, like React.lazy, except that once its module (and the
 * full stylesheet) is here it renders at once: a screen preloaded during the session check does
 * not suspend, so React shows it without its fallback and the reveal delay that follows one.
 */
interface ScreenComponent {
  Loaded: ComponentType;
  preload: () => Promise<void>;
}

function screenComponent(screen: Screen): ScreenComponent {
  let loaded: ComponentType | undefined;
  let pending: Promise<void> | undefined;
  const preload = () => {
    pending ??= loadScreen(screen).then(
      (module) => {
        loaded = module.default;
      },
      (error: unknown) => {
        pending = undefined;
        throw error;
      },
    );
    return pending;
  };
  function Loaded() {
    if (!loaded) use(preload());
    const Module = loaded;
    return Module ? <Module /> : null;
  }
  return { Loaded, preload };
}

function ScreenElement({ screen, Loaded }: { screen: Screen; Loaded: ComponentType }) {
  const { me } = useSession();
  if (screen.roles !== 'public' && (!me || !screen.roles.includes(me.role))) return <ErrorState error={new ApiError(403, {})} />;
  return (
    <ErrorBoundary>
      <Suspense fallback={<LoadingState />}>
        <ScreenWithNamespaces screen={screen} Screen={Loaded} />
      </Suspense>
    </ErrorBoundary>
  );
}

/** The signed-in frame: sign-in, MFA enrolment or the right shell first, then layout and screen. */
function ProtectedFrame({ area, screens, extras }: { area: ShellArea; screens: readonly Screen[]; extras?: ComponentType | undefined }) {
  const { me, mustEnrolMfa, expired, signedIn } = useSession();
  const wrongShell = me ? shellOf(me.role) !== area : false;
  useEffect(() => {
    // A super-admin signing in on the public shell belongs in /admin/ (and the reverse).
    if (me && wrongShell) window.location.replace(`${SHELL_BASE[shellOf(me.role)]}/`);
  }, [me, wrongShell]);
  if (me === undefined || wrongShell) return <LoadingState />;
  if (me === null) return <SignInPage extras={extras} />;
  if (mustEnrolMfa) return <SignInFlow startWithEnrolment onDone={signedIn} />;
  return (
    <Layout screens={screens}>
      {expired ? (
        <Suspense fallback={null}>
          <ExpiredDialog />
        </Suspense>
      ) : null}
      <Outlet />
    </Layout>
  );
}

function NotFound() {
  const { t } = useTranslation();
  return <Text>{t('state.notFound')}</Text>;
}

export interface ShellOptions {
  area: ShellArea;
  screens: readonly Screen[];
  /** Shown under the sign-in form (links to sign-up, password reset). */
  signInExtras?: ComponentType;
  /** The translation namespaces of signInExtras (loaded before the sign-in page renders). */
  signInNamespaces?: readonly Namespace[];
}

/** Longest wait for the landing page's needs before the first render (then the loaders show). */
const FIRST_RENDER_WAIT_MS = 3000;

type ScreenComponents = ReadonlyMap<Screen, ScreenComponent>;

function screenRoute(screen: Screen, components: ScreenComponents): RouteObject {
  const component = components.get(screen);
  if (!component) throw new Error(`no component for screen ${screen.path}`);
  const element = <ScreenElement screen={screen} Loaded={component.Loaded} />;
  return screen.path === '' ? { index: true, element } : { path: screen.path, element };
}

function routesOf(options: ShellOptions, components: ScreenComponents): RouteObject[] {
  const publicScreens = options.screens.filter((screen) => screen.roles === 'public');
  const protectedScreens = options.screens.filter((screen) => screen.roles !== 'public');
  const children = protectedScreens.map((screen) => screenRoute(screen, components));
  if (!protectedScreens.some((screen) => screen.path === '')) children.push({ index: true, element: <Navigate to={`/${protectedScreens[0]?.path ?? ''}`} replace /> });
  children.push({ path: '*', element: <NotFound /> });
  return [
    { element: <Outlet />, children: publicScreens.map((screen) => screenRoute(screen, components)) },
    { element: <ProtectedFrame area={options.area} screens={options.screens} extras={options.signInExtras} />, children },
  ];
}

function ShellRoutes({ routes }: { routes: RouteObject[] }) {
  return useRoutes(routes);
}

/**
 * Mounts one shell: i18n, Mantine (RTL-aware), TanStack Query, the session and the router.
 * The session check, the landing screen's module, its translations and Mantine's full stylesheet
 * are all requested at once here, instead of one after the other as the tree renders.
 */
export async function startShell(options: ShellOptions): Promise<void> {
  const queryClient = new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
        refetchOnWindowFocus: false,
      },
    },
  });
  const session = queryClient.prefetchQuery({ queryKey: ME_KEY, queryFn: fetchMe, staleTime: 60_000 });
  // The landing screen's first GETs, started at boot: once they are sent (right after the session
  // check, before the screen renders), the screen's queries find them in flight; one that failed
  // is asked again through the API client.
  const early = takeEarlyQueries();
  void early.sent.then((sent) => {
    if (!sent) return;
    for (const query of early.queries) void queryClient.prefetchQuery({ queryKey: query.key, queryFn: async () => (await query.data) ?? apiJson(withQuery(query.path, query.query)) });
  });
  const components: ScreenComponents = new Map(options.screens.map((screen) => [screen, screenComponent(screen)]));
  const landing = landingScreen(options.area, options.screens);
  // Started at boot already when the landing screen may open (signed in with a role that may see
  // it, or public); here only so that the component has it before the first render.
  const landingReady = landingMayOpen().then((open) => (open && landing ? landing : undefined));
  const screenReady = landingReady.then((screen) => (screen ? components.get(screen)?.preload() : undefined)).catch(() => undefined);
  const i18n = await initI18n();
  const { signInNamespaces } = options;
  // The first render waits (at most FIRST_RENDER_WAIT_MS) for what the landing page needs: the
  // session, the screen's module and its translations, or the sign-in page's. Rendering earlier
  // only showed a loader, and whatever then suspended was revealed with React's ~300 ms
  // throttle: the largest paint came 0.3–0.5 s after everything had arrived (bench/web trace).
  await Promise.race([
    Promise.all([
      session.then(() => (queryClient.getQueryData(ME_KEY) === null && signInNamespaces ? i18n.loadNamespaces([...signInNamespaces]) : undefined)),
      screenReady,
      landingReady.then((screen) => (screen?.namespaces ? i18n.loadNamespaces([...screen.namespaces]) : undefined)),
    ]).catch(() => undefined),
    new Promise((resolve) => setTimeout(resolve, FIRST_RENDER_WAIT_MS)),
  ]);
  const routes = routesOf(options, components);
  const root = document.getElementById('root');
  if (!root) throw new Error('no #root element');
  const language = isLanguage(i18n.language) ? i18n.language : 'fr';
  createRoot(root).render(
    <DirectionProvider initialDirection={directionOf(language)} detectDirection={false}>
      <MantineProvider theme={theme} withCssVariables={false} withGlobalClasses={false} forceColorScheme="light">
        <DirectionSync />
        <QueryClientProvider client={queryClient}>
          <ErrorBoundary>
            <Suspense fallback={<LoadingState />}>
              <SessionProvider>
                <BrowserRouter basename={SHELL_BASE[options.area]}>
                  <ShellRoutes routes={routes} />
                </BrowserRouter>
              </SessionProvider>
            </Suspense>
          </ErrorBoundary>
        </QueryClientProvider>
      </MantineProvider>
    </DirectionProvider>,
  );
}
