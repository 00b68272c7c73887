-- Engagement reach as a measure of an equality objective (issue 16): `figure_kind` may be
-- 'engagement' (a group's participants or representation ratio, from the who-is-heard view).
-- SQLite cannot change a CHECK in place, so the table is rebuilt with the same columns and
-- rows; nothing references `objective_measures`, so dropping the old one breaks no key.

CREATE TABLE objective_measures_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    objective_id INTEGER NOT NULL REFERENCES objectives (id),
    name TEXT NOT NULL,
    figure_kind TEXT NOT NULL CHECK (figure_kind IN ('indicator', 'indicator_gap', 'wres', 'wdes', 'pay_gap', 'engagement')),
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
INSERT INTO objective_measures_new
    SELECT id, objective_id, name, figure_kind, figure_name, figure_breakdown, figure_group,
           figure_reference, direction, baseline, baseline_year, target, target_year,
           created_at, updated_at
    FROM objective_measures;
DROP TABLE objective_measures;
ALTER TABLE objective_measures_new RENAME TO objective_measures;
CREATE INDEX objective_measures_objective ON objective_measures (objective_id);
