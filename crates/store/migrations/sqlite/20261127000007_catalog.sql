-- The catalogue of powers and services (放). A matter (事项) is identified by its opaque code
-- and carries, for lists and search, a summary of the version in force; every change is a
-- new row of matter_version holding the whole implementation list as JSON (drafted, reviewed
-- by another person, published with an effective date). Delegations (下放) switch a matter to
-- its receiving unit only through a handover whose checklist the receiver confirms.

create table matter (
    matter_id integer primary key,
    code text not null constraint matter_code_key unique,
    parent_id integer references matter (matter_id),
    department_id integer not null references department (department_id),
    name text not null,
    kind text not null,
    tier text not null,
    current_version integer,
    apply_count integer not null default 0,
    created_at integer not null,
    updated_at integer not null
);
create index matter_department_idx on matter (department_id, kind);
create index matter_parent_idx on matter (parent_id);

create table matter_version (
    matter_version_id integer primary key,
    matter_id integer not null references matter (matter_id),
    version integer not null,
    status text not null,
    doc text not null,
    note text not null default '',
    drafted_by integer,
    drafted_at integer not null,
    reviewed_by integer,
    reviewed_at integer,
    review_comment text not null default '',
    effective_date text,
    constraint matter_version_matter_id_version_key unique (matter_id, version)
);
create index matter_version_status_idx on matter_version (status, matter_id);

create table matter_phrase (
    matter_phrase_id integer primary key,
    phrase text not null,
    matter_id integer not null references matter (matter_id),
    created_by integer,
    created_at integer not null,
    constraint matter_phrase_phrase_matter_id_key unique (phrase, matter_id)
);

create table matter_handover (
    matter_handover_id integer primary key,
    matter_id integer not null references matter (matter_id),
    from_department_id integer not null references department (department_id),
    to_department_id integer not null references department (department_id),
    state text not null,
    checklist text not null,
    created_at integer not null,
    updated_at integer not null,
    switched_at integer
);
create index matter_handover_state_idx on matter_handover (state, matter_id);
