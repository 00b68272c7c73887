-- The audit log: append-only and chained. Entry n stores the hash of entry n-1 and its own
-- hash, BLAKE3 over that previous hash and a canonical encoding of its fields (see
-- src/audit.rs), so changing, removing or reordering an entry breaks the chain there.
-- `seq` counts up from 1 with no gaps. The triggers refuse UPDATE and DELETE; someone who
-- drops them can still edit rows, and `equalis audit verify` then names the entry.

CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
