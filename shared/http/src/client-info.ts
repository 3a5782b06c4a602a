import type { Request } from 'express';
import { MAX_USER_AGENT_LENGTH } from '@ecar/contracts';

/** The caller's address (as resolved through the trusted proxy hops) and its user agent, cut to the one bound. */
export function clientInfo(req: Request): { ip: string; userAgent: string } {
  const userAgent = req.get('user-agent') ?? '';
  return { ip: req.ip ?? 'unknown', userAgent: userAgent.slice(0, MAX_USER_AGENT_LENGTH) };
}
