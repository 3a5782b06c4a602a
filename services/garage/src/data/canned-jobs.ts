import { queryRows, type Db, type EntityManager } from '@ecar/db';
import { Params } from './scope.ts';

export interface CannedJobPart {
  partId: string;
  quantityMilli: number;
}

export interface CannedJob {
  id: string;
  name: string;
  description: string | null;
  make: string | null;
  model: string | null;
  labourHoursMilli: number;
  labourRateMillimes: number;
  labourVatRateBp: number;
  parts: CannedJobPart[];
  /** The service interval the job sets on a vehicle (reminders, issue 15): months and/or kilometres. */
  serviceIntervalMonths: number | null;
  serviceIntervalKm: number | null;
  createdAt: Date;
  updatedAt: Date;
}

const COLUMNS = `j.id, j.name, j.description, j.make, j.model, j.labour_hours_milli AS "labourHoursMilli", j.labour_rate_millimes::float8 AS "labourRateMillimes",
  j.labour_vat_rate_bp AS "labourVatRateBp",
  COALESCE((SELECT json_agg(json_build_object('partId', c.part_id, 'quantityMilli', c.quantity_milli) ORDER BY c.position)
              FROM canned_job_parts c WHERE c.canned_job_id = j.id), '[]'::json) AS parts,
  j.created_at AS "createdAt", j.updated_at AS "updatedAt",
  j.service_interval_months AS "serviceIntervalMonths", j.service_interval_km AS "serviceIntervalKm"`;

/** Inserts or replaces a canned job with its parts. */
export async function saveCannedJob(db: EntityManager, job: CannedJob): Promise<void> {
  await queryRows(
    db,
    `INSERT INTO canned_jobs (id, name, description, make, model, labour_hours_milli, labour_rate_millimes, labour_vat_rate_bp, created_at, updated_at,
       service_interval_months, service_interval_km)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)
     ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description, make = EXCLUDED.make, model = EXCLUDED.model,
       labour_hours_milli = EXCLUDED.labour_hours_milli, labour_rate_millimes = EXCLUDED.labour_rate_millimes,
       labour_vat_rate_bp = EXCLUDED.labour_vat_rate_bp, updated_at = EXCLUDED.updated_at,
       service_interval_months = EXCLUDED.service_interval_months, service_interval_km = EXCLUDED.service_interval_km`,
    [job.id, job.name, job.description, job.make, job.model, job.labourHoursMilli, job.labourRateMillimes, job.labourVatRateBp, job.createdAt, job.updatedAt,
      job.serviceIntervalMonths, job.serviceIntervalKm],
  );
  await queryRows(db, `DELETE FROM canned_job_parts WHERE canned_job_id = $1`, [job.id]);
  if (job.parts.length > 0) {
    await queryRows(
      db,
      `INSERT INTO canned_job_parts (canned_job_id, position, part_id, quantity_milli)
       SELECT $1, p.position, p.part_id, p.quantity_milli FROM unnest($2::int[], $3::uuid[], $4::int[]) AS p(position, part_id, quantity_milli)`,
      [job.id, job.parts.map((_, index) => index), job.parts.map((part) => part.partId), job.parts.map((part) => part.quantityMilli)],
    );
  }
}

export async function findCannedJob(db: Db, id: string): Promise<CannedJob | undefined> {
  const rows = await queryRows<CannedJob>(db, `SELECT ${COLUMNS} FROM canned_jobs j WHERE j.id = $1`, [id]);
  return rows[0];
}

/** Keyset page by id; with `make` (and `model`): the jobs for any vehicle and those for that make (and model). */
export async function listCannedJobs(db: Db, query: { make?: string; model?: string; after?: string; limit: number }): Promise<CannedJob[]> {
  const params = new Params();
  const where = ['TRUE'];
  if (query.make) where.push(`(j.make IS NULL OR lower(j.make) = lower(${params.add(query.make)}))`);
  if (query.model) where.push(`(j.model IS NULL OR lower(j.model) = lower(${params.add(query.model)}))`);
  if (query.after) where.push(`j.id > ${params.add(query.after)}`);
  return queryRows<CannedJob>(db, `SELECT ${COLUMNS} FROM canned_jobs j WHERE ${where.join(' AND ')} ORDER BY j.id LIMIT ${params.add(query.limit)}`, params.values);
}
