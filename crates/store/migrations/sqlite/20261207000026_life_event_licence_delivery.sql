-- Life-event packages (一件事一次办): one form and one set of materials fanning out into the
-- applications of several matters, shown to the applicant as one case.
create table life_event (
    code text primary key,
    name text not null,
    summary text not null default '',
    -- The codes of the matters it fans out to, a JSON array, in the order they are shown.
    matters text not null,
    created_at integer not null,
    updated_at integer not null
);

create table life_event_case (
    life_event_case_id integer primary key,
    -- YJS + the day + the id, made in the inserting transaction.
    number text,
    event_code text not null references life_event (code),
    -- The event's name when applied for: the case keeps it if the event is renamed.
    event_name text not null,
    applicant_account_id integer not null references account (account_id),
    created_at integer not null,
    constraint life_event_case_number_key unique (number)
);
create index life_event_case_applicant_idx on life_event_case (applicant_account_id, life_event_case_id);

alter table application add column life_event_case_id integer references life_event_case (life_event_case_id);
create index application_life_event_case_idx on application (life_event_case_id);
-- The licence a change (变更) or renewal (延续) application is about.
alter table application add column licence_number text;
create index application_licence_number_idx on application (licence_number);

-- A change or renewal re-signs the licence under the same number; what it replaced is kept.
alter table licence add column revision integer not null default 1;
-- The day the holder was told the licence is about to expire (第五十条 asks for renewal 30 days
-- before), so they are told once.
alter table licence add column expiry_notified_on text;
create table licence_revision (
    licence_revision_id integer primary key,
    licence_id integer not null references licence (licence_id),
    revision integer not null,
    -- The signed content (LicenceContent JSON) and signature as they stood before.
    content text not null,
    signature text not null,
    -- The change or renewal application that replaced them.
    application_id integer not null references application (application_id),
    replaced_on text not null,
    created_at integer not null,
    constraint licence_revision_key unique (licence_id, revision)
);

-- Which sender delivered which notification: delivery is at least once per sender, and a
-- sender that already delivered is not asked again when another one failed.
create table notification_delivery (
    notification_id integer not null references notification (notification_id),
    sender text not null,
    attempts integer not null,
    delivered_at integer,
    last_error text not null default '',
    updated_at integer not null,
    primary key (notification_id, sender)
);
