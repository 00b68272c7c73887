-- Refused anonymous reads of unpublished assessments, one row per decision, version and
-- client: when the last audit entry for them was written and how many repeats since were
-- not written (a crawler asking for a draft every second must not fill the audit log). The
-- next entry after the window carries the count. Rows untouched for a week are pruned.
CREATE TABLE refusal_windows (
    decision_id BIGINT NOT NULL,
    version BIGINT NOT NULL,
    client TEXT NOT NULL,
    recorded_at BIGINT NOT NULL,
    repeats BIGINT NOT NULL,
    PRIMARY KEY (decision_id, version, client)
);
CREATE INDEX refusal_windows_by_time ON refusal_windows (recorded_at);
