-- Equality and health inequalities impact assessments (issue 13): decisions, and the
-- numbered versions of each decision's assessment. A version's whole record (answers,
-- authors, sign-off) is the JSON of `equalis_assess::VersionRecord`; the columns beside it
-- repeat what the index filters and sorts on. Times are seconds since the epoch; dates ISO
-- text, which sorts as dates do.

CREATE TABLE decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    owner TEXT NOT NULL,
    organisation TEXT NOT NULL,
    stage TEXT NOT NULL CHECK (stage IN ('idea', 'design', 'consultation', 'decision', 'implementation', 'review')),
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX decisions_organisation ON decisions (organisation);

CREATE TABLE assessment_versions (
    decision_id INTEGER NOT NULL REFERENCES decisions (id),
    version INTEGER NOT NULL CHECK (version >= 1),
    status TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'signed', 'published')),
    record TEXT NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users (id),
    signed_by INTEGER REFERENCES users (id),
    signed_at INTEGER,
    published_at INTEGER,
    review_due TEXT,
    negative_unmitigated INTEGER NOT NULL DEFAULT 0 CHECK (negative_unmitigated IN (0, 1)),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (decision_id, version)
);

-- A signed version is immutable (equalis_assess::Version refuses every change; these
-- triggers refuse it in the database too): the one change allowed is signed → published.
CREATE TRIGGER assessment_signed_no_update BEFORE UPDATE ON assessment_versions
WHEN OLD.status = 'published' OR (OLD.status = 'signed' AND NEW.status <> 'published')
BEGIN
    SELECT RAISE(ABORT, 'a signed assessment version cannot be changed');
END;

CREATE TRIGGER assessment_versions_no_delete BEFORE DELETE ON assessment_versions
BEGIN
    SELECT RAISE(ABORT, 'assessment versions are kept');
END;
