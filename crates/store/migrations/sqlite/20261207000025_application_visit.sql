-- Visits in person (到现场次数): the window intake, collecting the result, an on-site
-- inspection, so each matter's promised maximum trips (最多跑一次) can be compared with what
-- applicants actually made.
create table application_visit (
    application_visit_id integer primary key,
    application_id integer not null references application (application_id),
    -- 'intake', 'collect', 'inspection' or 'other'.
    kind text not null,
    on_day text not null,
    note text not null default '',
    recorded_by integer references account (account_id),
    created_at integer not null
);
create index application_visit_application_idx on application_visit (application_id, application_visit_id);
