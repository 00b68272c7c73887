-- Engagement with equality monitoring (issue 14): projects, participants, contributions
-- (ideas, threads, replies), supports, reports, moderators' decisions, surveys and their
-- responses, and participants' equality monitoring answers, kept in a table of their own
-- that only the participant id links to what they contributed. Times are seconds since the
-- epoch. Moderators' actions are audited in `audit_log` in the same transaction.

CREATE TABLE engage_projects (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    moderation TEXT NOT NULL CHECK (moderation IN ('pre', 'post')),
    anonymous_allowed BIGINT NOT NULL CHECK (anonymous_allowed IN (0, 1)),
    footprint TEXT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- A person taking part in one project: by email, or anonymously by nickname. The token that
-- identifies their browser is stored only as its BLAKE3 hash.
CREATE TABLE engage_participants (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id BIGINT NOT NULL REFERENCES engage_projects (id),
    email TEXT,
    nickname TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    CHECK (email IS NULL OR email = lower(email))
);
CREATE UNIQUE INDEX engage_participants_email ON engage_participants (project_id, email);
CREATE UNIQUE INDEX engage_participants_nickname ON engage_participants (project_id, nickname);

-- Equality monitoring, asked once, apart from the contributions.
CREATE TABLE engage_monitoring (
    participant_id BIGINT PRIMARY KEY REFERENCES engage_participants (id),
    age_band TEXT,
    sex TEXT,
    ethnic_category TEXT,
    disability TEXT,
    carer TEXT,
    sexual_orientation TEXT,
    plus_groups TEXT NOT NULL,
    lsoa TEXT,
    imd_quintile BIGINT CHECK (imd_quintile BETWEEN 1 AND 5),
    place TEXT,
    answered_at BIGINT NOT NULL
);

CREATE TABLE engage_posts (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id BIGINT NOT NULL REFERENCES engage_projects (id),
    kind TEXT NOT NULL CHECK (kind IN ('idea', 'thread', 'reply')),
    parent_id BIGINT REFERENCES engage_posts (id),
    participant_id BIGINT NOT NULL REFERENCES engage_participants (id),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    idea_status TEXT NOT NULL DEFAULT 'new'
        CHECK (idea_status IN ('new', 'under_consideration', 'taken_forward', 'not_taken_forward')),
    status_reason TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    CHECK ((kind = 'reply') = (parent_id IS NOT NULL))
);
CREATE INDEX engage_posts_by_project ON engage_posts (project_id, kind, id);

CREATE TABLE engage_supports (
    post_id BIGINT NOT NULL REFERENCES engage_posts (id),
    participant_id BIGINT NOT NULL REFERENCES engage_participants (id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (post_id, participant_id)
);

-- One report per participant per post; `id` orders reports against moderators' decisions.
CREATE TABLE engage_reports (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    post_id BIGINT NOT NULL REFERENCES engage_posts (id),
    participant_id BIGINT NOT NULL REFERENCES engage_participants (id),
    reason TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (post_id, participant_id)
);

-- A moderator's decision settles the reports up to `settled_report_id`.
CREATE TABLE engage_moderation (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    post_id BIGINT NOT NULL REFERENCES engage_posts (id),
    decision TEXT NOT NULL CHECK (decision IN ('approve', 'remove')),
    reason TEXT NOT NULL,
    moderator BIGINT NOT NULL REFERENCES users (id),
    settled_report_id BIGINT NOT NULL,
    decided_at BIGINT NOT NULL
);
CREATE INDEX engage_moderation_by_post ON engage_moderation (post_id, id);

CREATE TABLE engage_surveys (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id BIGINT NOT NULL REFERENCES engage_projects (id),
    definition TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE engage_survey_responses (
    survey_id BIGINT NOT NULL REFERENCES engage_surveys (id),
    participant_id BIGINT NOT NULL REFERENCES engage_participants (id),
    answers TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (survey_id, participant_id)
);

-- Rate limits of public forms: one row per action, keyed by a BLAKE3 hash of the client
-- address or participant (never the address itself); rows older than the window are removed.
CREATE TABLE engage_throttle (
    scope TEXT NOT NULL,
    key_hash TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX engage_throttle_by_key ON engage_throttle (scope, key_hash, at);
