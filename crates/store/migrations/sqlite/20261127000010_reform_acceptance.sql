-- Acceptance of responsibility (责任确认): each lead and cooperating unit accepts its part of
-- a task by a due date, or disputes it with a reason. A part disputed, or not accepted by its
-- due date, is a coordination case (协调事项) for the reform office until its resolution is
-- recorded; the resolution binds the unit it assigns the part to.
create table reform_acceptance (
    reform_acceptance_id integer primary key,
    task_id integer not null references reform_task (reform_task_id),
    department_id integer not null references department (department_id),
    role text not null,
    due text not null,
    accepted_on text,
    disputed_at integer,
    reason text not null default '',
    resolution text not null default '',
    resolved_at integer,
    resolved_by integer,
    created_at integer not null,
    constraint reform_acceptance_task_id_department_id_key unique (task_id, department_id)
);
create index reform_acceptance_task_idx on reform_acceptance (task_id);
