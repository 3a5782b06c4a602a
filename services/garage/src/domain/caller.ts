import type { Actor, Role } from '@ecar/contracts';

/** Who is asking, from where, under which correlation id: what a use case knows of a request. */
export interface Caller {
  userId: string;
  role: Role;
  ip: string;
  userAgent: string;
  correlationId: string;
}

export function actorOf(caller: Caller): Actor {
  return { userId: caller.userId, role: caller.role, ip: caller.ip, userAgent: caller.userAgent };
}

export const isAdmin = (caller: Caller) => caller.role === 'super-admin';
export const isCustomer = (caller: Caller) => caller.role === 'customer';
export const isTechnician = (caller: Caller) => caller.role === 'technician';
