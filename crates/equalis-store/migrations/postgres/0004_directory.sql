-- The directory of services on Open Referral UK 3.0 (issue 15).
-- Each record is kept whole as its ORUK JSON (`doc`), as imported or edited, because ORUK
-- records are trees read whole (a service nests its locations, contacts, schedules, terms);
-- the other columns are indexes of what the directory searches on, written from `doc` in the
-- same transaction (equalis-store's `directory` module) and never edited on their own.
-- Identifiers are ORUK's own UUIDs, as text. Times are seconds since the Unix epoch.

CREATE TABLE directory_organizations (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    doc TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE directory_services (
    id TEXT PRIMARY KEY,
    organization_id TEXT,
    name TEXT NOT NULL,
    -- Name, description and organization name, lower-cased: what `search=` matches.
    search_text TEXT NOT NULL,
    status TEXT NOT NULL,
    -- The review date (YYYY-MM-DD sorts as text), for the freshness list.
    assured_date TEXT,
    doc TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX directory_services_by_name ON directory_services (name, id);
CREATE INDEX directory_services_by_assured ON directory_services (assured_date);

-- Every taxonomy term a service carries (its own, its locations', contacts', organization's).
CREATE TABLE directory_service_terms (
    taxonomy_term_id TEXT NOT NULL,
    service_id TEXT NOT NULL,
    PRIMARY KEY (taxonomy_term_id, service_id)
);
CREATE INDEX directory_service_terms_by_service ON directory_service_terms (service_id);

-- A service at a location, its ORUK JSON (with the location nested) and the location's point
-- when it is on the globe (NULL otherwise: left out of proximity search).
CREATE TABLE directory_service_at_locations (
    id TEXT PRIMARY KEY,
    service_id TEXT NOT NULL,
    location_id TEXT,
    latitude DOUBLE PRECISION,
    longitude DOUBLE PRECISION,
    doc TEXT NOT NULL
);
CREATE INDEX directory_sal_by_service ON directory_service_at_locations (service_id);
CREATE INDEX directory_sal_by_point ON directory_service_at_locations (latitude, longitude);

CREATE TABLE directory_taxonomies (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    doc TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE directory_taxonomy_terms (
    id TEXT PRIMARY KEY,
    taxonomy_id TEXT,
    name TEXT NOT NULL,
    doc TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX directory_taxonomy_terms_by_name ON directory_taxonomy_terms (name, id);
