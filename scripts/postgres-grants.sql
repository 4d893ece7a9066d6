-- After every `wellled migrate`, as wellled_owner (scripts/postgres-roles.sql):
--     psql -v ON_ERROR_STOP=1 -U wellled_owner -d wellled -f scripts/postgres-grants.sql
-- Idempotent. `wellled check --deploy` warns (core.W101) while the application's
-- role can still rewrite the audit trail.

GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO wellled_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO wellled_app;

-- The audit trail is append-only: read and add, nothing else.
REVOKE ALL ON core_auditevent FROM wellled_app;
GRANT SELECT, INSERT ON core_auditevent TO wellled_app;
