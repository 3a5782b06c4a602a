import type { Request } from 'express';

/** The caller's address (as resolved through the trusted proxy hops) and a bounded user agent. */
export function clientInfo(req: Request): { ip: string; userAgent: string } {
  const userAgent = req.get('user-agent') ?? '';
  return { ip: req.ip ?? 'unknown', userAgent: userAgent.slice(0, 512) };
}
