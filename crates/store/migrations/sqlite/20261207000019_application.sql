-- Online applications (服, 一网通办): one row per case of one applicant for one matter, its
-- history, and the intervals in which its decision clock stood still (行政许可法第四十五条).
-- Dates are 'YYYY-MM-DD' text on both backends, as elsewhere; the clock's due date is not
-- stored but computed on read from these rows and the district calendar, so a holiday notice
-- imported later moves it.
create table application (
    application_id integer primary key,
    -- 办件编号: unique across the district, printed on every notice. Made from the id in the
    -- transaction that inserts the row, so it is never null once committed.
    number text,
    matter_id integer not null references matter (matter_id),
    -- The matter version in force when the application was made: its guide, materials and
    -- limits are the ones that apply.
    matter_version integer not null,
    applicant_account_id integer not null references account (account_id),
    -- The department that accepts and decides: the matter's, at submission.
    department_id integer not null references department (department_id),
    -- 'online' or 'window' (entered by a clerk for the person at the counter).
    channel text not null,
    -- The clerk who entered it at the window, if it was.
    entered_by integer references account (account_id),
    status text not null,
    -- The form as filled in, a JSON object.
    form text not null,
    -- 'single' or 'joint' (行政许可法第二十六条、第四十二条第二款).
    handling text not null,
    -- The limit counted against, in working days (the promised one where there is one).
    limit_workdays integer not null,
    received_on text,
    accepted_on text,
    decided_on text,
    -- The first correction notice's items, a JSON array: a later round may only repeat them.
    correction_items text,
    -- Why the case is late, published (优化营商环境条例第三十六条).
    overdue_reason text not null default '',
    -- The one extension of 第四十二条: when, how many working days, approved by whom (the
    -- rank the law names, and the person) and why.
    extension_on text,
    extension_workdays integer,
    extension_approver text,
    extension_approved_by text,
    extension_reason text,
    created_at integer not null,
    updated_at integer not null,
    constraint application_number_key unique (number)
);
create index application_applicant_idx on application (applicant_account_id, application_id);
create index application_department_idx on application (department_id, status);

create table application_event (
    application_event_id integer primary key,
    application_id integer not null references application (application_id),
    at integer not null,
    actor_account_id integer references account (account_id),
    -- What happened: submitted, corrected, supplement_requested, accepted, deemed_accepted …
    action text not null,
    status_from text not null,
    status_to text not null,
    -- The notice's text or the reason, as shown to the applicant.
    note text not null default ''
);
create index application_event_application_idx on application_event (application_id, application_event_id);

create table application_pause (
    application_pause_id integer primary key,
    application_id integer not null references application (application_id),
    -- 'supplement', or a special procedure code of 第四十五条 (hearing, expert_review …).
    cause text not null,
    from_on text not null,
    to_on text,
    -- The expected length the applicant was told in writing, in working days.
    expected_workdays integer not null,
    created_at integer not null
);
create index application_pause_application_idx on application_pause (application_id, from_on);
