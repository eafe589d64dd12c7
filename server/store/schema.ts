/**
 * The workshop's tables. Created at start when missing, under an advisory lock, so several
 * server processes starting at once on one Postgres do not race each other to create them.
 * Times are bigint milliseconds from the server's clock; tokens are stored as SHA-256 only.
 */

/** An arbitrary constant: the advisory lock that serializes schema creation. */
export const SCHEMA_LOCK = 7_315_002;

/** Where the store NOTIFYs a room's code once a change to it is committed. */
export const CHANGE_CHANNEL = 'tailspin_workshop';

export const SCHEMA_STATEMENTS = [
  `create table if not exists workshop_rooms (
    code text primary key,
    name text not null,
    track jsonb not null,
    host_token_sha256 text not null,
    created_at_ms bigint not null
  )`,
  `create table if not exists workshop_learners (
    id text primary key,
    room_code text not null references workshop_rooms (code),
    name text not null,
    -- The name as compared: a learner who types "ada" on a new laptop is still "Ada".
    name_key text not null,
    joined_at_ms bigint not null,
    hand_raised boolean not null default false,
    hand_changed_at_ms bigint,
    unique (room_code, name_key)
  )`,
  // A learner may hold several tokens: one per laptop they joined from.
  `create table if not exists workshop_learner_tokens (
    token_sha256 text primary key,
    learner_id text not null references workshop_learners (id),
    created_at_ms bigint not null
  )`,
  `create table if not exists workshop_runs (
    seq bigserial primary key,
    room_code text not null references workshop_rooms (code),
    learner_id text not null references workshop_learners (id),
    run_id text not null,
    scenario_id text not null,
    passed boolean not null,
    slos jsonb not null,
    findings jsonb not null,
    error text,
    code_sha256 text not null,
    seed bigint not null,
    received_at_ms bigint not null,
    unique (learner_id, run_id)
  )`,
  'create index if not exists workshop_runs_by_room on workshop_runs (room_code, learner_id, seq)',
  // Set once, when the host closes the room; a data folder from before closing existed gets it here.
  'alter table workshop_rooms add column if not exists closed_at_ms bigint',
  `create table if not exists workshop_broadcasts (
    id bigserial primary key,
    room_code text not null references workshop_rooms (code),
    kind text not null,
    text text not null,
    sent_at_ms bigint not null
  )`,
  'create index if not exists workshop_broadcasts_by_room on workshop_broadcasts (room_code, id)',
];
