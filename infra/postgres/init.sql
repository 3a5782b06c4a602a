-- ECAR PostgreSQL bootstrap: one database and one login role per service, nothing shared.
-- Run once, as the superuser, by initdb.d/10-ecar-roles.sh (first start of the container),
-- which passes every password as a psql variable read from a Docker secret:
--   psql -v ON_ERROR_STOP=1 -v auth_password=... -v garage_password=... -v billing_password=...
--        -v audit_password=... -v backup_password=... -v notify_password=... -v backup_reader_password=...
--        -v billing_owner_password=... -v audit_owner_password=... -f init.sql
-- Least privilege (ARCHITECTURE §2): a service role owns its database and nothing else; it is
-- not superuser, cannot create databases or roles, and cannot connect to another service's
-- database. ecar_backup_reader can only read (pg_read_all_data) for pg_dump (AUD-5).
-- Schema owners (issue 12, finding 2): billing's and audit's tables guard themselves with
-- triggers (issued invoices, the append-only log), and a table's owner may disable them. So their
-- database and schema belong to ecar_billing_owner / ecar_audit_owner, which only the migrations
-- use (DATABASE_MIGRATION_URL); the runtime roles ecar_billing / ecar_audit get CONNECT and
-- USAGE here and, from the migrations (shared/db/src/owner.ts), data privileges only.
-- Transport (ENC-6): the server runs with ssl=on (docker-compose.yml) and pg_hba.conf accepts
-- only hostssl + scram-sha-256. Tested by tests/infra/postgres.test.ts against a real cluster.

\set ON_ERROR_STOP on

SET password_encryption = 'scram-sha-256';

-- No database is open to everyone by default, not even the maintenance ones.
REVOKE ALL ON DATABASE postgres FROM PUBLIC;
REVOKE ALL ON DATABASE template1 FROM PUBLIC;

CREATE ROLE ecar_auth    LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS CONNECTION LIMIT 40 PASSWORD :'auth_password';
CREATE ROLE ecar_garage  LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS CONNECTION LIMIT 40 PASSWORD :'garage_password';
CREATE ROLE ecar_billing LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS CONNECTION LIMIT 40 PASSWORD :'billing_password';
CREATE ROLE ecar_audit   LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS CONNECTION LIMIT 40 PASSWORD :'audit_password';
CREATE ROLE ecar_billing_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS CONNECTION LIMIT 10 PASSWORD :'billing_owner_password';
CREATE ROLE ecar_audit_owner   LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS CONNECTION LIMIT 10 PASSWORD :'audit_owner_password';
CREATE ROLE ecar_backup  LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS CONNECTION LIMIT 20 PASSWORD :'backup_password';
CREATE ROLE ecar_notify  LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS CONNECTION LIMIT 40 PASSWORD :'notify_password';
-- Read-only role for the backup service's pg_dump of every database.
CREATE ROLE ecar_backup_reader LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS CONNECTION LIMIT 10 PASSWORD :'backup_reader_password';
GRANT pg_read_all_data TO ecar_backup_reader;
ALTER ROLE ecar_backup_reader SET default_transaction_read_only = on;
-- Restore drills (INC-6): creates and drops scratch databases, owns nothing else.
CREATE ROLE ecar_backup_drill LOGIN NOSUPERUSER CREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS CONNECTION LIMIT 10 PASSWORD :'backup_drill_password';
-- Its URL (backup_drill_admin_url) names the maintenance database, closed to PUBLIC above.
GRANT CONNECT ON DATABASE postgres TO ecar_backup_drill;

CREATE DATABASE ecar_auth    OWNER ecar_auth    ENCODING 'UTF8' TEMPLATE template0;
CREATE DATABASE ecar_garage  OWNER ecar_garage  ENCODING 'UTF8' TEMPLATE template0;
CREATE DATABASE ecar_billing OWNER ecar_billing_owner ENCODING 'UTF8' TEMPLATE template0;
CREATE DATABASE ecar_audit   OWNER ecar_audit_owner   ENCODING 'UTF8' TEMPLATE template0;
CREATE DATABASE ecar_backup  OWNER ecar_backup  ENCODING 'UTF8' TEMPLATE template0;
CREATE DATABASE ecar_notify  OWNER ecar_notify  ENCODING 'UTF8' TEMPLATE template0;

REVOKE ALL ON DATABASE ecar_auth    FROM PUBLIC;
REVOKE ALL ON DATABASE ecar_garage  FROM PUBLIC;
REVOKE ALL ON DATABASE ecar_billing FROM PUBLIC;
REVOKE ALL ON DATABASE ecar_audit   FROM PUBLIC;
REVOKE ALL ON DATABASE ecar_backup  FROM PUBLIC;
REVOKE ALL ON DATABASE ecar_notify  FROM PUBLIC;

-- The runtime roles of the owned databases may connect, nothing more (no CREATE, no TEMP).
GRANT CONNECT ON DATABASE ecar_billing TO ecar_billing;
GRANT CONNECT ON DATABASE ecar_audit   TO ecar_audit;

GRANT CONNECT ON DATABASE ecar_auth, ecar_garage, ecar_billing, ecar_audit, ecar_backup, ecar_notify TO ecar_backup_reader;

-- Inside each database the public schema belongs to the service role (billing, audit: to its
-- owner role, the runtime role may only use it) and to nobody else.
\connect ecar_auth
REVOKE ALL ON SCHEMA public FROM PUBLIC;
ALTER SCHEMA public OWNER TO ecar_auth;

\connect ecar_garage
REVOKE ALL ON SCHEMA public FROM PUBLIC;
ALTER SCHEMA public OWNER TO ecar_garage;

\connect ecar_billing
REVOKE ALL ON SCHEMA public FROM PUBLIC;
ALTER SCHEMA public OWNER TO ecar_billing_owner;
GRANT USAGE ON SCHEMA public TO ecar_billing;

\connect ecar_audit
REVOKE ALL ON SCHEMA public FROM PUBLIC;
ALTER SCHEMA public OWNER TO ecar_audit_owner;
GRANT USAGE ON SCHEMA public TO ecar_audit;

\connect ecar_backup
REVOKE ALL ON SCHEMA public FROM PUBLIC;
ALTER SCHEMA public OWNER TO ecar_backup;

\connect ecar_notify
REVOKE ALL ON SCHEMA public FROM PUBLIC;
ALTER SCHEMA public OWNER TO ecar_notify;
