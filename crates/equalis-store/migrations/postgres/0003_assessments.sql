-- Equality and health inequalities impact assessments (issue 13): decisions, and the
-- numbered versions of each decision's assessment. A version's whole record (answers,
-- authors, sign-off) is the JSON of `equalis_assess::VersionRecord`; the columns beside it
-- repeat what the index filters and sorts on. Times are seconds since the epoch; dates ISO
-- text, which sorts as dates do.

CREATE TABLE decisions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    owner TEXT NOT NULL,
    organisation TEXT NOT NULL,
    stage TEXT NOT NULL CHECK (stage IN ('idea', 'design', 'consultation', 'decision', 'implementation', 'review')),
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX decisions_organisation ON decisions (organisation);

CREATE TABLE assessment_versions (
    decision_id BIGINT NOT NULL REFERENCES decisions (id),
    version BIGINT NOT NULL CHECK (version >= 1),
    status TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'signed', 'published')),
    record TEXT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users (id),
    signed_by BIGINT REFERENCES users (id),
    signed_at BIGINT,
    published_at BIGINT,
    review_due TEXT,
    negative_unmitigated BIGINT NOT NULL DEFAULT 0 CHECK (negative_unmitigated IN (0, 1)),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (decision_id, version)
);

-- A signed version is immutable (equalis_assess::Version refuses every change; these
-- triggers refuse it in the database too): the one change allowed is signed → published.
CREATE FUNCTION equalis_assessment_signed_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'assessment versions are kept';
    END IF;
    IF OLD.status = 'published' OR (OLD.status = 'signed' AND NEW.status <> 'published') THEN
        RAISE EXCEPTION 'a signed assessment version cannot be changed';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER assessment_signed_immutable BEFORE UPDATE OR DELETE ON assessment_versions
    FOR EACH ROW EXECUTE FUNCTION equalis_assessment_signed_immutable();
