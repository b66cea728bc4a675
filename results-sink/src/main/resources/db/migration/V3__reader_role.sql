-- PhenoStream results schema, version 3: the read-only role of the query API.
-- Roles are cluster-wide while migrations run once per database, so the role is created only if missing (and a
-- concurrent migration of another database that created it first is not an error). NOLOGIN: the API either logs
-- in as the sink user and SETs ROLE to it, or a DBA gives it a password (ALTER ROLE phenostream_reader LOGIN
-- PASSWORD '...') and the API logs in as it (phenostream.db.reader.password).
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'phenostream_reader') THEN
        CREATE ROLE phenostream_reader NOLOGIN;
    END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;
END
$$;

-- The migrating user must be a member to SET ROLE; a superuser needs no membership.
DO $$
BEGIN
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        EXECUTE format('GRANT phenostream_reader TO %I', current_user);
    END IF;
EXCEPTION WHEN insufficient_privilege OR invalid_grant_operation THEN
    RAISE NOTICE 'cannot make % a member of phenostream_reader: give the reader role a password instead',
        current_user;
END
$$;

GRANT USAGE ON SCHEMA public TO phenostream_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO phenostream_reader;
-- Tables a later migration creates are readable too.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO phenostream_reader;
