-- The plan as a document (实施方案): its text as sections and clauses, the consultation rounds
-- (征求意见) sent to units, their comments on clauses with the office's dispositions (采纳 /
-- 部分采纳 / 不采纳), the steps of its life (meeting record, submission, approval, revision) and
-- a snapshot of every published version, from which revisions are diffed.
alter table reform_plan add column version integer not null default 1;
alter table reform_plan add column published_at integer;

create table reform_clause (
    reform_clause_id integer primary key,
    plan_id integer not null references reform_plan (reform_plan_id),
    position integer not null,
    section text not null,
    number text not null,
    body text not null,
    constraint reform_clause_plan_id_number_key unique (plan_id, number)
);

-- The clause a task comes from.
alter table reform_task add column clause text not null default '';

create table reform_consultee (
    reform_consultee_id integer primary key,
    plan_id integer not null references reform_plan (reform_plan_id),
    round integer not null,
    department_id integer not null references department (department_id),
    due text not null,
    replied_at integer,
    no_comment integer not null default 0,
    constraint reform_consultee_plan_id_round_department_id_key unique (plan_id, round, department_id)
);

create table reform_comment (
    reform_comment_id integer primary key,
    plan_id integer not null references reform_plan (reform_plan_id),
    round integer not null,
    department_id integer not null references department (department_id),
    clause text not null,
    body text not null,
    account_id integer,
    created_at integer not null,
    disposition text,
    disposition_reason text not null default '',
    disposed_at integer,
    disposed_by integer
);
create index reform_comment_plan_idx on reform_comment (plan_id, round);

create table reform_plan_event (
    reform_plan_event_id integer primary key,
    plan_id integer not null references reform_plan (reform_plan_id),
    version integer not null,
    kind text not null,
    note text not null default '',
    file_hash text,
    account_id integer,
    created_at integer not null
);
create index reform_plan_event_plan_idx on reform_plan_event (plan_id);

create table reform_plan_version (
    plan_id integer not null references reform_plan (reform_plan_id),
    version integer not null,
    title text not null,
    clauses text not null,
    published_at integer not null,
    constraint reform_plan_version_plan_id_version_key unique (plan_id, version)
);

-- Evidence files (佐证材料) of a progress report: content hashes separated by spaces.
alter table reform_report add column evidence text not null default '';

-- Notices to a unit: 提醒 / 催办 / 督办通报 about a task's deadline, and chases of a missing
-- progress report or consultation reply. One per (kind, subject, unit, occasion), so the sweep
-- that sends them may run on several nodes and any number of times.
create table reform_notice (
    reform_notice_id integer primary key,
    department_id integer not null references department (department_id),
    kind text not null,
    subject text not null,
    occasion text not null,
    task_id integer references reform_task (reform_task_id),
    plan_id integer references reform_plan (reform_plan_id),
    title text not null,
    body text not null,
    sent_on text not null,
    response_due text,
    response text not null default '',
    responded_at integer,
    responded_by integer,
    created_at integer not null,
    constraint reform_notice_kind_subject_department_id_occasion_key unique (kind, subject, department_id, occasion)
);
create index reform_notice_department_idx on reform_notice (department_id, created_at);
