-- wellled's PostgreSQL roles (docs/audit-trail.md, "Database roles").
--
-- Two roles: wellled_owner owns the schema's tables and is used only to run
-- `wellled migrate` and `wellled createcachetable`; wellled_app is what the web
-- servers and workers connect as. wellled_app may read and write the application's
-- tables, but on the audit table (core_auditevent) only SELECT and INSERT: it
-- cannot UPDATE, DELETE or TRUNCATE there, and, not being the owner, cannot ALTER
-- the table, DISABLE its append-only trigger or drop it.
--
-- Run as a superuser, once, connected to wellled's database:
--     psql -v ON_ERROR_STOP=1 -d wellled -f scripts/postgres-roles.sql
-- then set the two passwords (\password wellled_owner, \password wellled_app).
-- After every `wellled migrate`, run scripts/postgres-grants.sql as wellled_owner.

CREATE ROLE wellled_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
CREATE ROLE wellled_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;

-- Only the owner creates tables in the schema.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE, CREATE ON SCHEMA public TO wellled_owner;
GRANT USAGE ON SCHEMA public TO wellled_app;

-- Tables and sequences the owner creates from now on are usable by the application.
ALTER DEFAULT PRIVILEGES FOR ROLE wellled_owner IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO wellled_app;
ALTER DEFAULT PRIVILEGES FOR ROLE wellled_owner IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO wellled_app;
