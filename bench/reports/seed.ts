import { BALANCE_BACKFILL } from '../../services/billing/src/data/report-migrations.ts';

// The billing database of bench/reports (the `medium` seed profile): 40,000 issued invoices over
// the last 365 days (3 lines each), 28,000 payments, 800 credit notes, and a read model of 50,000
// work orders with 200,000 clock events (100,000 time entries), written with SQL (generate_series)
// with the number and line guards switched off for the bulk insert (they check one document at a time).
export const INVOICES = 40_000;
export const WORK_ORDERS = 50_000;

export const REPORT_SEED = [
  `ALTER TABLE invoice_lines DISABLE TRIGGER invoice_lines_guard`,
  `ALTER TABLE credit_notes DISABLE TRIGGER credit_notes_number_guard`,
  `INSERT INTO invoices (id, origin, work_order_id, buyer, status, series, fiscal_year, seq, number, issue_date, issued_at, issued_by, seller, vat_breakdown,
                         total_ht, total_vat, stamp, total_ttc, created_by)
   SELECT md5('inv' || i)::uuid, CASE WHEN i % 5 = 0 THEN 'manual' ELSE 'work_order' END, CASE WHEN i % 5 = 0 THEN NULL ELSE md5('wo' || i)::uuid END,
          '{"name":"Client Bench","kind":"person","stampExempt":false}', 'issued', 'FA', 2026, i, 'FA-2026-' || lpad(i::text, 6, '0'),
          current_date - (i % 365), now(), 'bench', '{}',
          jsonb_build_array(jsonb_build_object('rateBp', 1900, 'baseMillimes', 100000 + i % 1000, 'vatMillimes', 19000 + (i % 1000) * 19 / 100),
                            jsonb_build_object('rateBp', 700, 'baseMillimes', 20000, 'vatMillimes', 1400)),
          120000 + i % 1000, 20400 + (i % 1000) * 19 / 100, 1000, 141400 + i % 1000 + (i % 1000) * 19 / 100, 'bench'
     FROM generate_series(1, ${INVOICES}) i`,
  `INSERT INTO invoice_lines (invoice_id, position, kind, description, quantity_milli, unit_price_millimes, vat_rate_bp, amount_ht)
   SELECT md5('inv' || i)::uuid, p, (ARRAY['labour', 'part', 'part'])[p], 'Ligne ' || p, CASE p WHEN 1 THEN 1000 + (i % 3) * 500 ELSE 1000 END, 0,
          CASE p WHEN 3 THEN 700 ELSE 1900 END, 0
     FROM generate_series(1, ${INVOICES}) i, generate_series(1, 3) p`,
  `INSERT INTO payments (id, invoice_id, method, amount_millimes, received_on, recorded_by)
   SELECT md5('pay' || i)::uuid, md5('inv' || i)::uuid, 'cash', 141400 + i % 1000 + (i % 1000) * 19 / 100, LEAST(current_date, current_date - (i % 365) + 3), 'bench'
     FROM generate_series(1, ${INVOICES}) i WHERE i % 10 < 7`,
  `INSERT INTO credit_notes (id, invoice_id, series, fiscal_year, seq, number, issue_date, issued_by, reason, seller, buyer, lines, vat_breakdown,
                             total_ht, total_vat, stamp, total_ttc, closes_invoice)
   SELECT md5('cn' || i)::uuid, md5('inv' || i)::uuid, 'AV', 2026, i / 50, 'AV-2026-' || lpad((i / 50)::text, 6, '0'), LEAST(current_date, current_date - (i % 365) + 5),
          'bench', 'Remise', '{}', '{}', '[]', '[{"rateBp":1900,"baseMillimes":10000,"vatMillimes":1900}]', 10000, 1900, 0, 11900, false
     FROM generate_series(50, ${INVOICES}, 50) i`,
  `INSERT INTO report_work_orders (work_order_id, status, status_at, opened_at)
   SELECT md5('wo' || i)::uuid, (ARRAY['open', 'estimate_sent', 'approved', 'in_progress', 'completed', 'delivered', 'delivered', 'delivered', 'cancelled', 'delivered'])[1 + i % 10],
          now() - ((i % 400) || ' days')::interval + interval '1 day', now() - ((i % 400) || ' days')::interval
     FROM generate_series(1, ${WORK_ORDERS}) i`,
  `INSERT INTO report_time_events (event_id, work_order_id, technician_id, action, at)
   SELECT md5('te' || i || '-' || t || '-' || a)::uuid, md5('wo' || i)::uuid, md5('tech' || ((i + t) % 10))::uuid, (ARRAY['clock_in', 'clock_out'])[a],
          now() - ((i % 365) || ' days')::interval + (t || ' hours')::interval + CASE a WHEN 2 THEN interval '75 minutes' ELSE interval '0' END
     FROM generate_series(1, ${WORK_ORDERS}) i, generate_series(1, 2) t, generate_series(1, 2) a`,
  // The consumer pairs each technician's events into entries as they arrive (data/report-model.ts); in bulk here.
  `INSERT INTO report_time_entries (work_order_id, technician_id, started_at, ended_at, seconds)
   SELECT work_order_id, technician_id, at, CASE WHEN next_action = 'clock_out' THEN next_at END, CASE WHEN next_action = 'clock_out' THEN extract(epoch FROM next_at - at) END
     FROM (SELECT work_order_id, technician_id, action, at, lead(action) OVER w AS next_action, lead(at) OVER w AS next_at
             FROM report_time_events WINDOW w AS (PARTITION BY work_order_id, technician_id ORDER BY at, action)) o
    WHERE action = 'clock_in' AND (next_action IS NULL OR next_action = 'clock_out')`,
  // The triggers keep each invoice's settlement as documents arrive; invoices written in bulk as issued get theirs here (the same function).
  BALANCE_BACKFILL,
  `ALTER TABLE invoice_lines ENABLE TRIGGER invoice_lines_guard`,
  `ALTER TABLE credit_notes ENABLE TRIGGER credit_notes_number_guard`,
  `ANALYZE`,
];
