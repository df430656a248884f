-- Reform-task supervision (督): implementation plans (实施方案), their tasks with lead units,
-- owners, deadlines, dependencies and milestones, and the units' progress reports. The status
-- light is computed from these by the pure rules in domain::reform, never stored.

create table reform_plan (
    reform_plan_id integer primary key,
    title text not null,
    status text not null,
    report_day integer not null default 25,
    created_at integer not null,
    updated_at integer not null
);

create table reform_task (
    reform_task_id integer primary key,
    plan_id integer not null references reform_plan (reform_plan_id),
    parent_id integer references reform_task (reform_task_id),
    code text not null,
    title text not null,
    category text not null,
    requirement text not null default '',
    result_form text not null default '',
    start_date text not null,
    deadline text not null,
    lead_department_id integer not null references department (department_id),
    owner text not null default '',
    weight integer not null default 1,
    progress integer not null default 0,
    status text not null,
    created_at integer not null,
    updated_at integer not null,
    constraint reform_task_plan_id_code_key unique (plan_id, code)
);
create index reform_task_plan_idx on reform_task (plan_id, parent_id);

create table reform_task_dep (
    task_id integer not null references reform_task (reform_task_id),
    depends_on_id integer not null references reform_task (reform_task_id),
    constraint reform_task_dep_task_id_depends_on_id_key unique (task_id, depends_on_id)
);

create table reform_milestone (
    reform_milestone_id integer primary key,
    task_id integer not null references reform_task (reform_task_id),
    title text not null,
    due text not null,
    done_at integer
);
create index reform_milestone_task_idx on reform_milestone (task_id);

create table reform_report (
    reform_report_id integer primary key,
    task_id integer not null references reform_task (reform_task_id),
    report_date text not null,
    percent integer not null,
    done_text text not null,
    problems text not null default '',
    account_id integer,
    created_at integer not null
);
create index reform_report_task_idx on reform_report (task_id, report_date);
