-- The audit log: append-only and chained. Entry n stores the hash of entry n-1 and its own
-- hash, BLAKE3 over that previous hash and a canonical encoding of its fields (see
-- src/audit.rs), so changing, removing or reordering an entry breaks the chain there.
-- `seq` counts up from 1 with no gaps. The triggers refuse UPDATE, DELETE and TRUNCATE;
-- someone who drops them can still edit rows, and `equalis audit verify` then names the entry.

CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);

CREATE FUNCTION equalis_audit_log_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$;

CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION equalis_audit_log_append_only();

CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION equalis_audit_log_append_only();
