-- Assurance (issue 16): equality objectives and their measures, EDS 2022 ratings, and the
-- annual report's narrative sections. The rules (an objective of at most four years, a
-- target better than its baseline, who rates which EDS domain) are `equalis_assure`'s; the
-- checks here repeat the ones a row must never break. Years are the financial year's first
-- calendar year (2025 is 2025/26); times seconds since the epoch.

CREATE TABLE objectives (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    owner TEXT NOT NULL,
    start_year INTEGER NOT NULL,
    end_year INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CHECK (end_year >= start_year AND end_year - start_year <= 3)
);

CREATE TABLE objective_measures (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    objective_id INTEGER NOT NULL REFERENCES objectives (id),
    name TEXT NOT NULL,
    figure_kind TEXT NOT NULL CHECK (figure_kind IN ('indicator', 'indicator_gap', 'wres', 'wdes', 'pay_gap')),
    figure_name TEXT NOT NULL,
    figure_breakdown TEXT NOT NULL,
    figure_group TEXT NOT NULL,
    figure_reference TEXT NOT NULL,
    direction TEXT NOT NULL CHECK (direction IN ('higher', 'lower')),
    baseline REAL NOT NULL,
    baseline_year INTEGER NOT NULL,
    target REAL NOT NULL,
    target_year INTEGER NOT NULL CHECK (target_year > baseline_year),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX objective_measures_objective ON objective_measures (objective_id);

-- One rating per year, outcome and (Domain 1) service; '' for Domains 2 and 3.
CREATE TABLE eds_ratings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    year INTEGER NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('1A', '1B', '1C', '1D', '2A', '2B', '2C', '2D', '3A', '3B', '3C')),
    service TEXT NOT NULL,
    score INTEGER NOT NULL CHECK (score BETWEEN 0 AND 3),
    rater_group TEXT NOT NULL,
    evidence TEXT NOT NULL,
    rated_by TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (year, outcome, service)
);

-- Every saved text of a section is a new version; the report shows the newest.
CREATE TABLE report_sections (
    year INTEGER NOT NULL,
    section TEXT NOT NULL,
    version INTEGER NOT NULL CHECK (version >= 1),
    body TEXT NOT NULL,
    saved_by TEXT NOT NULL,
    saved_at INTEGER NOT NULL,
    PRIMARY KEY (year, section, version)
);

CREATE TRIGGER report_sections_kept_update BEFORE UPDATE ON report_sections
BEGIN
    SELECT RAISE(ABORT, 'report section versions are kept');
END;

CREATE TRIGGER report_sections_kept_delete BEFORE DELETE ON report_sections
BEGIN
    SELECT RAISE(ABORT, 'report section versions are kept');
END;
