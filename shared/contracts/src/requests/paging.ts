import { z } from 'zod';

/** Lists never return more than this per page, whatever the client asks. */
export const MAX_PAGE_SIZE = 100;

/** `limit` and `after` (the last id of the previous page) of an id-ordered list query. */
export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(25),
  after: z.uuid().optional(),
};

/** The path parameter of routes on one object. */
export const idParams = z.object({ id: z.uuid() }).strict();
