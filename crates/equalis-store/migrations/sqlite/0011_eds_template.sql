-- EDS 2022 reporting template (issue 16): the year's cover block, an owner per outcome
-- rating, Domain 3's third-party involvement, the completed actions of the previous year and
-- the action plan. The rules are `equalis_assure::eds::template`'s; dates are ISO text
-- (`2026-02-20`) or '' when not given; years the financial year's first calendar year.

ALTER TABLE eds_ratings ADD COLUMN owner TEXT NOT NULL DEFAULT '';

CREATE TABLE eds_covers (
    year INTEGER PRIMARY KEY,
    organisation TEXT NOT NULL,
    eds_lead TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('individual', 'partnership')),
    partners TEXT NOT NULL,
    date_completed TEXT NOT NULL,
    month_published TEXT NOT NULL,
    board_sponsor TEXT NOT NULL,
    ics_name TEXT NOT NULL,
    date_authorised TEXT NOT NULL,
    authorised_by TEXT NOT NULL,
    revision_date TEXT NOT NULL,
    plan_years TEXT NOT NULL,
    saved_by TEXT NOT NULL,
    saved_at INTEGER NOT NULL
);

CREATE TABLE eds_third_parties (
    year INTEGER PRIMARY KEY,
    trade_union_reps TEXT NOT NULL,
    independent_evaluators TEXT NOT NULL,
    saved_by TEXT NOT NULL,
    saved_at INTEGER NOT NULL
);

CREATE TABLE eds_completed_actions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    year INTEGER NOT NULL,
    action TEXT NOT NULL,
    objectives TEXT NOT NULL,
    added_by TEXT NOT NULL,
    added_at INTEGER NOT NULL
);
CREATE INDEX eds_completed_actions_year ON eds_completed_actions (year);

CREATE TABLE eds_actions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    year INTEGER NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('1A', '1B', '1C', '1D', '2A', '2B', '2C', '2D', '3A', '3B', '3C')),
    objective_id INTEGER REFERENCES objectives (id),
    objective TEXT NOT NULL,
    action TEXT NOT NULL,
    completion TEXT NOT NULL,
    added_by TEXT NOT NULL,
    added_at INTEGER NOT NULL
);
CREATE INDEX eds_actions_year ON eds_actions (year);
