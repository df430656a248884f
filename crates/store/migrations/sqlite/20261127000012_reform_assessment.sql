-- Inspection, assessment and accountability (督查、考核、问责), publicity (通报) and grassroots
-- experience (基层首创).
--
-- The day the reform office confirmed a task complete: on-time completion is judged by it.
alter table reform_task add column completed_on text;

-- An inspection round (监督检查) and its findings per task, each to be rectified by a date by
-- the unit it is addressed to; the office verifies the rectification.
create table reform_inspection (
    reform_inspection_id integer primary key,
    plan_id integer not null references reform_plan (reform_plan_id),
    title text not null,
    held_on text not null,
    created_at integer not null
);

create table reform_finding (
    reform_finding_id integer primary key,
    inspection_id integer not null references reform_inspection (reform_inspection_id),
    task_id integer not null references reform_task (reform_task_id),
    department_id integer not null references department (department_id),
    finding text not null,
    rectify_by text not null,
    rectification text not null default '',
    rectified_at integer,
    verified_at integer,
    created_at integer not null
);
create index reform_finding_department_idx on reform_finding (department_id);

-- An assessment period (考核周期) of a plan, its reviewers' quality scores per task, and the
-- published result per unit with its breakdown and the unit's one appeal.
create table reform_assessment (
    reform_assessment_id integer primary key,
    plan_id integer not null references reform_plan (reform_plan_id),
    title text not null,
    period_from text not null,
    period_to text not null,
    status text not null,
    published_at integer,
    created_at integer not null
);

create table reform_quality_score (
    assessment_id integer not null references reform_assessment (reform_assessment_id),
    task_id integer not null references reform_task (reform_task_id),
    score integer not null,
    note text not null default '',
    account_id integer,
    created_at integer not null,
    constraint reform_quality_score_assessment_id_task_id_key unique (assessment_id, task_id)
);

create table reform_assessment_result (
    assessment_id integer not null references reform_assessment (reform_assessment_id),
    department_id integer not null references department (department_id),
    facts text not null,
    breakdown text not null,
    total_centi integer not null,
    rank integer not null,
    appeal text not null default '',
    appealed_at integer,
    appeal_decision text not null default '',
    decided_at integer,
    constraint reform_assessment_result_assessment_id_department_id_key unique (assessment_id, department_id)
);

-- Commendations (表彰) and accountability records (问责: 不作为 / 慢作为 / 乱作为) of units and
-- people, with the decision document.
create table reform_merit (
    reform_merit_id integer primary key,
    kind text not null,
    department_id integer not null references department (department_id),
    person text not null default '',
    category text not null,
    reason text not null,
    document_no text not null,
    file_hash text,
    decided_on text not null,
    task_id integer references reform_task (reform_task_id),
    created_at integer not null
);
create index reform_merit_department_idx on reform_merit (department_id, decided_on);

-- Grassroots innovations (基层首创 / 典型经验): submitted by a unit, reviewed by the office,
-- published on the portal.
create table reform_innovation (
    reform_innovation_id integer primary key,
    department_id integer not null references department (department_id),
    title text not null,
    summary text not null,
    body text not null,
    status text not null,
    review_note text not null default '',
    submitted_at integer not null,
    reviewed_at integer,
    published_at integer
);

-- Progress bulletins (改革进展通报) as issued: the numbers and names of a period, frozen.
create table reform_bulletin (
    reform_bulletin_id integer primary key,
    plan_id integer not null references reform_plan (reform_plan_id),
    title text not null,
    period_from text not null,
    period_to text not null,
    body text not null,
    created_at integer not null
);
