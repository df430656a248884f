-- The process engine's durable state. The engine is a pure state machine; what it needs
-- kept is here: deployed definitions (versioned: running instances stay on their version),
-- instance state (the engine's own JSON, with a version for optimistic concurrency), the
-- event history, and the projections people and workers query: work items (待办/已办),
-- timers (leased so each fires on one node once) and copies (抄送).

create table process_definition (
    process_definition_id integer primary key,
    process_key text not null,
    version integer not null,
    name text not null,
    source text not null,
    designer text,
    status text not null,
    department_id integer references department (department_id),
    created_by integer,
    created_at integer not null,
    updated_at integer not null,
    constraint process_definition_process_key_version_key unique (process_key, version)
);

create table process_instance (
    process_instance_id integer primary key,
    process_definition_id integer not null references process_definition (process_definition_id),
    business_key text not null default '',
    status text not null,
    state text not null,
    version integer not null,
    department_id integer,
    initiator_account_id integer,
    started_at integer not null,
    updated_at integer not null,
    ended_at integer
);
create index process_instance_business_key_idx on process_instance (business_key);
create index process_instance_status_idx on process_instance (status);

create table process_event (
    process_event_id integer primary key,
    process_instance_id integer not null references process_instance (process_instance_id),
    at integer not null,
    actor text,
    comment text not null default '',
    event text not null
);
create index process_event_instance_idx on process_event (process_instance_id, process_event_id);

create table work_item (
    work_item_id integer primary key,
    process_instance_id integer not null references process_instance (process_instance_id),
    exec_id integer not null,
    activation integer not null,
    node_id text not null,
    name text not null,
    assignee text,
    candidate_users text not null default '',
    candidate_groups text not null default '',
    owner text,
    status text not null,
    created_at integer not null,
    completed_at integer,
    completed_by text,
    constraint work_item_process_instance_id_exec_id_activation_key unique (process_instance_id, exec_id, activation)
);
create index work_item_assignee_idx on work_item (status, assignee);
create index work_item_completed_by_idx on work_item (completed_by, completed_at);

create table process_timer (
    process_timer_id integer primary key,
    process_instance_id integer not null references process_instance (process_instance_id),
    timer_id integer not null,
    node_id text not null,
    due_at integer not null,
    status text not null,
    lease_owner text,
    lease_until integer,
    updated_at integer not null,
    constraint process_timer_process_instance_id_timer_id_key unique (process_instance_id, timer_id)
);
create index process_timer_due_idx on process_timer (status, due_at);

create table process_copy (
    process_copy_id integer primary key,
    process_instance_id integer not null references process_instance (process_instance_id),
    seq integer not null,
    node_id text not null,
    reader text not null,
    copied_by text,
    created_at integer not null,
    read_at integer,
    constraint process_copy_process_instance_id_seq_key unique (process_instance_id, seq)
);
create index process_copy_reader_idx on process_copy (reader, read_at);

-- The ceiling benchmark writes here: one small row per transaction.
create table bench_row (
    bench_row_id integer primary key,
    payload text not null
);
