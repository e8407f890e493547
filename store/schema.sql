-- Every table of the store. Safe to re-run: every statement is IF NOT EXISTS.
-- Version 10 moved the store to DuckLake, which has no primary keys, unique or check
-- constraints, sequences or indexes: keys are unique because every write checks them in its
-- transaction (and writes take turns, see write_turn), ids are max + 1 in that transaction,
-- and allowed values are checked by the code before anything is written. Stores of versions
-- 1-9 (one DuckDB file) move over with `store export` / `store import`.

CREATE TABLE IF NOT EXISTS schema_version (
    version    INTEGER NOT NULL,
    applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- Reference data: copied from data/reference/ by store.reference_sync; the checksum of the
-- files is kept so the copy is refreshed when someone edits the CSVs.
CREATE TABLE IF NOT EXISTS reference_state (
    name     VARCHAR NOT NULL,
    checksum VARCHAR NOT NULL,
    synced_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE TABLE IF NOT EXISTS region (
    code       VARCHAR NOT NULL,
    name       VARCHAR NOT NULL,
    kind       VARCHAR NOT NULL,
    valid_from DATE,
    valid_to   DATE,
    parent     VARCHAR,
    source     VARCHAR
);

CREATE TABLE IF NOT EXISTS region_succession (
    old_code   VARCHAR NOT NULL,
    new_code   VARCHAR NOT NULL,
    valid_from DATE NOT NULL,
    note       VARCHAR
);

-- Derived from region and region_succession whenever the register is copied
-- (reference_data.replace_reference), so queries join tables instead of recursing:
-- region_leaf: every region with the leaf regions (no predecessor) it is made of;
-- region_today: every region with the region it belongs to today (itself if it exists).
CREATE TABLE IF NOT EXISTS region_leaf (code VARCHAR NOT NULL, leaf VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS region_today (code VARCHAR NOT NULL, target VARCHAR NOT NULL);

-- alias: the normalised spelling (see loaders.regions.normalise_name), not the raw text.
CREATE TABLE IF NOT EXISTS region_alias (
    alias   VARCHAR NOT NULL,
    code    VARCHAR NOT NULL,
    spelled VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS load_batch (
    id        INTEGER NOT NULL,  -- max + 1, given in the writing transaction
    source    VARCHAR NOT NULL,
    file_name VARCHAR NOT NULL,
    sha256    VARCHAR NOT NULL,
    loaded_by VARCHAR NOT NULL,
    loaded_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    row_count INTEGER NOT NULL,
    state     VARCHAR NOT NULL DEFAULT 'active',
    note      VARCHAR,
    is_example BOOLEAN DEFAULT false,
    covers_from TIMESTAMP,
    covers_to   TIMESTAMP
);
-- The period the batch's figures cover (event archives: the first and last moment of the
-- events in force when it was loaded), NULL where the source says it per figure.

CREATE TABLE IF NOT EXISTS measure (
    id             VARCHAR NOT NULL,
    source         VARCHAR NOT NULL,
    label          VARCHAR NOT NULL,   -- the publisher's own label, as it came
    unit           VARCHAR NOT NULL,
    spatially_additive BOOLEAN NOT NULL, -- counts add up over districts; rates do not
    description    VARCHAR
);

CREATE TABLE IF NOT EXISTS observation (
    batch_id    INTEGER NOT NULL,
    source      VARCHAR NOT NULL,
    measure     VARCHAR NOT NULL,
    region_code VARCHAR NOT NULL,
    year        INTEGER NOT NULL,
    month       INTEGER,
    sex         VARCHAR NOT NULL DEFAULT 'total',
    age_group   VARCHAR NOT NULL DEFAULT 'all',
    value       DOUBLE NOT NULL,
    respondents INTEGER,
    preliminary BOOLEAN NOT NULL DEFAULT false,
    -- Version 11: whether this row is the value in force for its key (loading.refresh_in_force)
    in_force    BOOLEAN DEFAULT false
);




-- Version 2: population, the denominator of rates. Filled by the population loader; every
-- row belongs to a batch like an observation, and the newest active batch wins per key.
CREATE TABLE IF NOT EXISTS population (
    batch_id    INTEGER NOT NULL,
    region_code VARCHAR NOT NULL,
    year        INTEGER NOT NULL,
    sex         VARCHAR NOT NULL DEFAULT 'total',
    age_group   VARCHAR NOT NULL DEFAULT 'all',
    count       DOUBLE NOT NULL
);



-- Version 3: sources, police events, the gazetteer, Kolada metadata.

-- Provenance of every source (copied from data/reference/sources.yaml).
CREATE TABLE IF NOT EXISTS source (
    id          VARCHAR NOT NULL,
    title       VARCHAR NOT NULL,
    publisher   VARCHAR NOT NULL,
    citation    VARCHAR NOT NULL,   -- the short "Källa: …" text under charts
    url         VARCHAR,
    licence     VARCHAR,
    method      VARCHAR,
    rhythm      VARCHAR NOT NULL,   -- how often it is published, in Swedish
    max_age_days INTEGER,           -- older than this after the latest period: not fresh
    caveat      VARCHAR             -- said wherever its numbers are shown
);

-- Place names in Stockholm → the district (2020–2023 layout) they lie in.
CREATE TABLE IF NOT EXISTS gazetteer (
    place         VARCHAR NOT NULL,
    district_code VARCHAR NOT NULL,
    source        VARCHAR
);

-- Renamed or differently spelled police event types → one type.
CREATE TABLE IF NOT EXISTS police_event_type (
    raw_key VARCHAR NOT NULL,    -- trimmed, lower case
    type    VARCHAR NOT NULL
);

-- The police's events, one row per event id (an upsert keeps the newest version).
CREATE TABLE IF NOT EXISTS police_event (
    id               BIGINT NOT NULL,
    batch_id         INTEGER NOT NULL,  -- the batch that first brought the event
    updated_batch_id INTEGER NOT NULL,  -- the batch that last changed it
    occurred_at      TIMESTAMP NOT NULL,  -- local time as published
    utc_offset       VARCHAR,
    name             VARCHAR NOT NULL,
    summary          VARCHAR,
    url              VARCHAR,
    type_raw         VARCHAR NOT NULL,
    type             VARCHAR NOT NULL,
    measure          VARCHAR NOT NULL,
    location_name    VARCHAR,
    gps              VARCHAR,
    region_code      VARCHAR,  -- municipality (or county when none is named)
    district_code    VARCHAR,  -- Stockholm district at the event's date, when placed
    places           VARCHAR   -- the place names the summary mentions
);


-- Version 4: staff uploads (load_batch.is_example is declared with the table above).

-- Saved mappings of respondent-level files (columns → district, sex, age; questions →
-- measures and the answers that count), offered again by name.
CREATE TABLE IF NOT EXISTS upload_mapping (
    name     VARCHAR NOT NULL,
    mapping  VARCHAR NOT NULL,  -- JSON
    saved_by VARCHAR NOT NULL,
    saved_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- Version 5: the action plan, assessments and analysis comments. Rows are never overwritten
-- silently: every change of an action is kept in action_history, assessments and comments
-- keep every version (the newest counts).
CREATE TABLE IF NOT EXISTS action (
    id               INTEGER NOT NULL,  -- max + 1, given in the writing transaction
    agreement        VARCHAR NOT NULL,
    area             VARCHAR NOT NULL,
    region_code      VARCHAR NOT NULL,  -- a district, or 0180 for city-wide
    title            VARCHAR NOT NULL,
    description      VARCHAR,
    owner            VARCHAR NOT NULL,
    responsible_unit VARCHAR,
    status           VARCHAR NOT NULL,
    start_date       DATE,
    end_date         DATE,
    expected_effect  VARCHAR,
    indicators       VARCHAR,           -- indicator ids, comma separated
    copied_from      INTEGER,           -- the unfinished action this one continues
    is_example       BOOLEAN NOT NULL DEFAULT false,
    created_by       VARCHAR NOT NULL,
    created_at       TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE TABLE IF NOT EXISTS action_history (
    action_id  INTEGER NOT NULL,
    field      VARCHAR NOT NULL,
    old_value  VARCHAR,
    new_value  VARCHAR,
    changed_by VARCHAR NOT NULL,
    changed_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE TABLE IF NOT EXISTS action_note (
    action_id  INTEGER NOT NULL,
    noted_on   DATE NOT NULL,
    text       VARCHAR NOT NULL,
    written_by VARCHAR NOT NULL,
    written_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE TABLE IF NOT EXISTS assessment (
    area              VARCHAR NOT NULL,
    indicator         VARCHAR,          -- NULL: the whole area
    region_code       VARCHAR NOT NULL,
    year              INTEGER NOT NULL,
    judgement         VARCHAR NOT NULL,
    justification     VARCHAR,
    calculated_status VARCHAR,          -- what the indicators said when it was judged
    is_example        BOOLEAN NOT NULL DEFAULT false,
    assessed_by       VARCHAR NOT NULL,
    assessed_at       TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE TABLE IF NOT EXISTS analysis_comment (
    area        VARCHAR,
    indicator   VARCHAR,
    region_code VARCHAR NOT NULL,
    year        INTEGER NOT NULL,
    text        VARCHAR NOT NULL,
    is_example  BOOLEAN NOT NULL DEFAULT false,
    written_by  VARCHAR NOT NULL,
    written_at  TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- Version 6: the audit log: who did what, when (uploads, undo, action changes, assessments,
-- comments, sign-ins and failed sign-ins). Only ever appended to.
CREATE TABLE IF NOT EXISTS audit_log (
    logged_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    who     VARCHAR NOT NULL,
    what    VARCHAR NOT NULL,
    detail  VARCHAR
);

-- Version 8: the cells a source marks as not available ('..' in BRÅ's files), per batch, so
-- that a missing figure can say the source has none rather than that nothing was loaded.
CREATE TABLE IF NOT EXISTS source_gap (
    batch_id    INTEGER NOT NULL,
    measure     VARCHAR NOT NULL,
    region_code VARCHAR NOT NULL,
    year        INTEGER NOT NULL,
    month       INTEGER
);

-- The field period of a survey round (when the upload gives one), per batch, measure and year.
CREATE TABLE IF NOT EXISTS survey_round (
    batch_id   INTEGER NOT NULL,
    measure    VARCHAR NOT NULL,
    year       INTEGER NOT NULL,
    field_from DATE NOT NULL,
    field_to   DATE NOT NULL
);

-- Version 9: local accounts and the roles of identity-provider users (before: a JSON file
-- beside the store), one row each, changed row by row in transactions; names are unique
-- without regard to case (checked by the code in the transaction). The lockout counters and
-- the session epoch (raised at sign-out, disabling and a new password) live here too.
CREATE TABLE IF NOT EXISTS account (
    name          VARCHAR NOT NULL,
    role          VARCHAR NOT NULL,
    districts     VARCHAR[] NOT NULL,
    password_hash VARCHAR NOT NULL,
    disabled      BOOLEAN NOT NULL,
    failures      INTEGER NOT NULL,
    locked_until  DOUBLE NOT NULL,
    epoch         INTEGER NOT NULL
);

-- Settings the installation makes once (the key that signs session cookies).
CREATE TABLE IF NOT EXISTS setting (
    name  VARCHAR NOT NULL,
    value VARCHAR NOT NULL
);

-- Version 10: the store on DuckLake.

-- One row; every write transaction raises it first, so that two writes that overlap always
-- conflict and the second is retried or refused instead of interleaving (DuckLake treats two
-- transactions that change the same table as a conflict, and only those).
CREATE TABLE IF NOT EXISTS write_turn (turn BIGINT NOT NULL);

-- Meetings saved as snapshots: the figures as they stood, kept through later loads, undo and
-- maintenance (`store snapshots create`, "Spara som möte").
CREATE TABLE IF NOT EXISTS meeting (
    name        VARCHAR NOT NULL,
    meeting_date DATE NOT NULL,
    snapshot_id BIGINT NOT NULL,
    saved_by    VARCHAR NOT NULL,
    saved_at    TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- Version 12: indicator results computed when the data change (indicators.results), read by
-- the pages, the command line and the report instead of computing on a request. One row per
-- indicator and kind of request; ``inputs`` is a digest of everything the result depends on
-- (the batches of its sources, the register, the catalogue, the code), so a result whose
-- inputs changed is simply not used, and is replaced by the next refresh.
CREATE TABLE IF NOT EXISTS indicator_result (
    indicator   VARCHAR NOT NULL,
    request     VARCHAR NOT NULL,
    inputs      VARCHAR NOT NULL,
    frame       BLOB NOT NULL,      -- the computed frame as Parquet
    computed_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- Version 13: dated events drawn on the time axis of the charts they concern ("Ny
-- lokalpolisstation i Rinkeby", "Skolenkäten bytte frågeformulering"). ``regions``,
-- ``indicators`` and ``areas`` are comma-separated codes and ids; empty regions: the whole
-- city; empty indicators and areas: every indicator. An event is never changed: it is
-- removed (a row in timeline_event_removal, with who and when) and added anew.
CREATE TABLE IF NOT EXISTS timeline_event (
    id          BIGINT NOT NULL,
    title       VARCHAR NOT NULL,
    description VARCHAR NOT NULL DEFAULT '',
    starts_on   DATE NOT NULL,
    ends_on     DATE,               -- NULL: one day
    party       VARCHAR NOT NULL,   -- stad, polis, gemensamt
    regions     VARCHAR NOT NULL DEFAULT '',
    indicators  VARCHAR NOT NULL DEFAULT '',
    areas       VARCHAR NOT NULL DEFAULT '',
    is_example  BOOLEAN NOT NULL DEFAULT false,
    created_by  VARCHAR NOT NULL,
    created_at  TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE TABLE IF NOT EXISTS timeline_event_removal (
    event_id    BIGINT NOT NULL,
    removed_by  VARCHAR NOT NULL,
    removed_at  TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- Version 14: targets set in the app, beside the defaults in the indicators' YAML. A
-- target is never changed or removed: a new one with a later ``applies_from`` takes over from
-- that date, so a year is always judged by the target that was in force then.
CREATE TABLE IF NOT EXISTS indicator_target (
    id           BIGINT NOT NULL,
    indicator    VARCHAR NOT NULL,
    scope        VARCHAR NOT NULL,   -- 'city' or a district's code
    target_year  INTEGER NOT NULL,
    value        DOUBLE NOT NULL,
    direction    VARCHAR NOT NULL,   -- the indicator's: lower_is_better or higher_is_better
    source       VARCHAR NOT NULL,   -- e.g. the local agreement that decided it
    applies_from DATE NOT NULL,
    created_by   VARCHAR NOT NULL,
    created_at   TIMESTAMP NOT NULL DEFAULT current_timestamp,
    is_example   BOOLEAN             -- version 19: the demo's example targets (null: no)
);

-- Version 15: each district's local agreement with its lokalpolisområden, kept as versions:
-- saving writes a new version (the agreement, its local priority areas, its steering group
-- and meeting dates) and the highest version of a district is the one in force, so every
-- earlier text stays readable. A local area's ``key`` stays the same across versions: the
-- actions that serve it refer to it.
CREATE TABLE IF NOT EXISTS local_agreement (
    id            BIGINT NOT NULL,
    district      VARCHAR NOT NULL,
    version       INTEGER NOT NULL,
    title         VARCHAR NOT NULL,
    police_areas  VARCHAR NOT NULL,   -- codes of data/reference/lokalpolisomraden.csv, comma separated
    valid_from    DATE NOT NULL,
    valid_to      DATE,
    revision_date DATE NOT NULL,      -- when the agreement is to be revised (every fourth year)
    is_example    BOOLEAN NOT NULL DEFAULT false,
    saved_by      VARCHAR NOT NULL,
    saved_at      TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE TABLE IF NOT EXISTS local_priority_area (
    agreement_id BIGINT NOT NULL,
    key          VARCHAR NOT NULL,
    position     INTEGER NOT NULL,
    title        VARCHAR NOT NULL,
    description  VARCHAR NOT NULL DEFAULT '',
    city_areas   VARCHAR NOT NULL DEFAULT '',   -- ids of the 2024 areas; '' = endast lokalt
    indicators   VARCHAR NOT NULL DEFAULT ''
);

CREATE TABLE IF NOT EXISTS steering_member (
    agreement_id BIGINT NOT NULL,
    position     INTEGER NOT NULL,
    role         VARCHAR NOT NULL,
    name         VARCHAR NOT NULL,
    party        VARCHAR NOT NULL,              -- stad, polis or annan
    email        VARCHAR NOT NULL DEFAULT '',
    reports      BOOLEAN NOT NULL DEFAULT false -- answers for the reports to the beredningsgrupp
);

CREATE TABLE IF NOT EXISTS steering_meeting (
    agreement_id BIGINT NOT NULL,
    meeting_date DATE NOT NULL,
    note         VARCHAR NOT NULL DEFAULT ''
);

-- Items of the årshjul marked as done (a report handed in), and the reminders sent, so that
-- `python -m service remind` never sends one twice.
CREATE TABLE IF NOT EXISTS calendar_done (
    item     VARCHAR NOT NULL,
    done_on  DATE NOT NULL,
    done_by  VARCHAR NOT NULL,
    done_at  TIMESTAMP NOT NULL DEFAULT current_timestamp,
    is_example BOOLEAN               -- version 19: the demo's reports marked done (null: no)
);

CREATE TABLE IF NOT EXISTS reminder_sent (
    recipient VARCHAR NOT NULL,
    item      VARCHAR NOT NULL,
    kind      VARCHAR NOT NULL,   -- fore (before the deadline) or forsenad (overdue)
    sent_on   DATE NOT NULL,
    sent_at   TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- The local area an action serves and the e-mail of the person who answers for it (the
-- reminders go there).
ALTER TABLE action ADD COLUMN IF NOT EXISTS local_area VARCHAR;
ALTER TABLE action ADD COLUMN IF NOT EXISTS contact VARCHAR;

-- Version 16: whether a source's figures are published by their owner (BRÅ, the police's
-- events, SCB, Kolada: shown as published) or protected (the city's surveys and registers,
-- staff uploads: threshold and complementary suppression), from sources.yaml.
ALTER TABLE source ADD COLUMN IF NOT EXISTS disclosure VARCHAR;

-- Version 16: what a source covers per series, where that differs from its batch (police
-- events: an event type is covered from its first event in the feed; the archive holds some
-- types only from a later date than others).
CREATE TABLE IF NOT EXISTS series_coverage (
    source     VARCHAR NOT NULL,
    series     VARCHAR NOT NULL,   -- a measure id
    first_seen TIMESTAMP NOT NULL, -- the first moment the source holds for the series
    last_seen  TIMESTAMP NOT NULL
);

-- Version 18: the measures a batch's observations hold, written with them (queries.
-- insert_observations), so what the indicator results depend on is read from the batches
-- (small) instead of a scan of every observation (issue 33). Filled from the observations on
-- the upgrade and after an import. A compaction of police counts may leave a measure listed
-- whose rows it removed: the results of event sources depend on all their batches anyway.
ALTER TABLE load_batch ADD COLUMN IF NOT EXISTS measures VARCHAR[];

-- Version 20: the districts' reports to the beredningsgrupp (issue 37). A report is the
-- årshjul's item (rapport:YEAR:KEY:DISTRICT); every save, submission, return and approval
-- adds a version, and the newest is the report's state: utkast, inskickad, återsänd or
-- godkänd. `body` is what the district wrote per section (JSON), `figures` the figures its
-- lägesbild cited as they stood when it was saved (JSON: an approved report keeps them, later
-- loads never change them), `comments` the reviewer's comments per section (JSON).
CREATE TABLE IF NOT EXISTS district_report (
    item      VARCHAR NOT NULL,
    district  VARCHAR NOT NULL,
    version   INTEGER NOT NULL,
    state     VARCHAR NOT NULL,
    body      VARCHAR NOT NULL,
    figures   VARCHAR NOT NULL,
    comments  VARCHAR NOT NULL DEFAULT '{}',
    saved_by  VARCHAR NOT NULL,
    saved_at  TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- Version 20: the handlingsplan of the overarching agreement (issue 37), a version per save:
-- per priority area the goal, the indicators it is measured by, what cannot be measured, the
-- responsible parties and the follow-up (JSON); `utkast` until adopted (`fastställd`). The
-- commitments are the actions of the register.
CREATE TABLE IF NOT EXISTS action_plan (
    year       INTEGER NOT NULL,   -- the year the plan is for
    agreement  VARCHAR NOT NULL,
    version    INTEGER NOT NULL,
    state      VARCHAR NOT NULL,   -- utkast or fastställd
    body       VARCHAR NOT NULL,
    saved_by   VARCHAR NOT NULL,
    saved_at   TIMESTAMP NOT NULL DEFAULT current_timestamp,
    is_example BOOLEAN              -- the demo's plan (removed with the examples)
);

-- Version 20: alerts (issue 37). A person's subscription to a district, a priority area or an
-- indicator; the last state seen of each verdict, target and report (an alert goes when it
-- changes); and every alert e-mailed, so that one change is never sent twice.
CREATE TABLE IF NOT EXISTS alert_subscription (
    id         INTEGER NOT NULL,
    name       VARCHAR NOT NULL,
    email      VARCHAR NOT NULL,
    scope      VARCHAR NOT NULL,   -- district, area or indicator
    value      VARCHAR NOT NULL,   -- a region code, an area id or an indicator id
    created_by VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    removed_at TIMESTAMP
);

CREATE TABLE IF NOT EXISTS alert_state (
    key     VARCHAR NOT NULL,      -- verdict:IND:REGION, report:ITEM
    state   VARCHAR NOT NULL,
    seen_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE TABLE IF NOT EXISTS alert_sent (
    email   VARCHAR NOT NULL,
    event   VARCHAR NOT NULL,      -- the change: key, new state and period
    sent_on DATE NOT NULL,
    sent_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);
