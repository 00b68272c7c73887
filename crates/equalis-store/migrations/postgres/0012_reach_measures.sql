-- Engagement reach as a measure of an equality objective (issue 16): `figure_kind` may be
-- 'engagement' (a group's participants or representation ratio, from the who-is-heard view).
ALTER TABLE objective_measures DROP CONSTRAINT objective_measures_figure_kind_check;
ALTER TABLE objective_measures ADD CONSTRAINT objective_measures_figure_kind_check
    CHECK (figure_kind IN ('indicator', 'indicator_gap', 'wres', 'wdes', 'pay_gap', 'engagement'));
