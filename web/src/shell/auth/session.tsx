import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { Role } from '@ecar/contracts';
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { ApiError, apiJson, refreshSession, setCsrfToken, setSessionExpiredHandler } from '../api/client.ts';
import { takeEarlySession } from '../boot.ts';

/** GET /api/v1/auth/me */
export interface Me {
  id: string;
  email: string;
  displayName: string | null;
  role: Role;
  sessionId: string;
  mfa: boolean;
  mfaEnrolled: boolean;
}

export const ME_KEY = ['session', 'me'] as const;

interface SessionValue {
  /** undefined while loading, null when nobody is signed in. */
  me: Me | null | undefined;
  /** A super-admin signed in with a password only, who must enrol TOTP before anything else. */
  mustEnrolMfa: boolean;
  /** True while the session-expired dialog asks the user to sign in again. */
  expired: boolean;
  signedIn: () => Promise<void>;
  /** The dialog's sign-in succeeded: the waiting requests are retried. */
  resumed: () => Promise<void>;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<SessionValue | undefined>(undefined);

export async function fetchMe(): Promise<Me | null> {
  try {
    // The first check was started by shell/boot.ts; anything but a 200 goes through the client (refresh on 401).
    const early = await takeEarlySession();
    if (early?.ok) return (await early.json()) as Me;
    // A 401 there: the access cookie expired (refresh, then ask again) or nobody is signed in.
    if (early?.status === 401 && !(await refreshSession())) return null;
    return await apiJson<Me>('/api/v1/auth/me');
  } catch (error) {
    if (error instanceof ApiError && (error.status === 401 || error.status === 404)) return null;
    throw error;
  }
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const meQuery = useQuery({ queryKey: ME_KEY, queryFn: fetchMe, staleTime: 60_000, retry: false });
  const me = meQuery.data;
  const [expired, setExpired] = useState(false);
  const waiting = useRef<Array<() => void>>([]);

  // While someone is signed in, a session that cannot be refreshed opens the sign-in dialog over
  // the current screen; requests wait for it instead of failing, and nothing typed is lost.
  useEffect(() => {
    if (!me) {
      setSessionExpiredHandler(undefined);
      return;
    }
    setSessionExpiredHandler(
      () =>
        new Promise<void>((resolve) => {
          waiting.current.push(resolve);
          setExpired(true);
        }),
    );
    return () => setSessionExpiredHandler(undefined);
  }, [me]);

  const signedIn = useCallback(async () => {
    await queryClient.invalidateQueries({ queryKey: ME_KEY });
  }, [queryClient]);

  const resumed = useCallback(async () => {
    const again = await fetchMe();
    if (!again || again.id !== me?.id) {
      // Someone else signed in: nothing of the previous user's screens may stay.
      queryClient.clear();
      window.location.reload();
      return;
    }
    setExpired(false);
    const resolvers = waiting.current.splice(0);
    for (const resolve of resolvers) resolve();
  }, [me, queryClient]);

  const signOut = useCallback(async () => {
    // Signing out is not an expired session: a 401 here must not open the sign-in dialog.
    setSessionExpiredHandler(undefined);
    try {
      await apiJson('/api/v1/auth/logout', { method: 'POST', json: {} });
    } catch {
      // Signed out on this device whatever the server said: cookies expire, state is dropped.
    }
    setCsrfToken(undefined);
    // Nothing of the signed-out user stays in memory (cached lists, records).
    await queryClient.cancelQueries();
    queryClient.setQueryData(ME_KEY, null);
    queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== ME_KEY[0] });
  }, [queryClient]);

  const value = useMemo<SessionValue>(
    () => ({ me, mustEnrolMfa: Boolean(me && me.role === 'super-admin' && !me.mfa), expired, signedIn, resumed, signOut }),
    [me, expired, signedIn, resumed, signOut],
  );
  if (meQuery.error) throw meQuery.error;
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

/** The signed-in user (inside the shell's protected area only). */
export function useMe(): Me {
  const { me } = useSession();
  if (!me) throw new Error('useMe without a signed-in user');
  return me;
}
