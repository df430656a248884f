-- Review and decision of an application: the engine instance that runs the review (two
-- verifiers countersign, 行政许可法第三十四条, then the decider), the decision with its
-- reasons (第三十八条), delivery (第四十四条), the numbered documents sent to the applicant,
-- and the electronic licences (电子证照) a grant issues, signed with SM2.
alter table application add column instance_id integer references process_instance (process_instance_id);
alter table application add column decision_reasons text not null default '';
-- 'collect' (窗口领取), 'post' (邮寄, with the EMS number) or 'online' (电子送达).
alter table application add column delivery_method text;
alter table application add column delivery_tracking text;
alter table application add column delivered_on text;

create table application_document (
    application_document_id integer primary key,
    application_id integer not null references application (application_id),
    -- acceptance_notice, correction_notice, non_acceptance, grant_decision, denial_decision,
    -- special_procedure_notice, extension_notice.
    kind text not null,
    -- 文号, e.g. 市场许受字〔2026〕3号: per department, kind and year.
    number text not null,
    department_id integer not null references department (department_id),
    issued_on text not null,
    -- The composed document (title, addressee, paragraphs, issuer, date) as sent; never
    -- rewritten.
    body text not null,
    created_at integer not null,
    constraint application_document_number_key unique (number)
);
create index application_document_application_idx on application_document (application_id, application_document_id);
create index application_document_count_idx on application_document (department_id, kind, issued_on);

create table licence (
    licence_id integer primary key,
    -- 证照编号: made from the id in the inserting transaction.
    number text,
    application_id integer not null references application (application_id),
    matter_id integer not null references matter (matter_id),
    holder_account_id integer not null references account (account_id),
    department_id integer not null references department (department_id),
    -- The signed content (LicenceContent), field by field: the verify page rebuilds the
    -- content from these columns, so an altered column no longer matches the signature.
    title text not null,
    holder_name text not null,
    holder_id text not null,
    scope text not null,
    valid_from text not null,
    valid_until text not null,
    issuer text not null,
    issued_on text not null,
    -- SM2 signature r || s in hex, and the signing key's id.
    signature text not null,
    key_id text not null,
    -- valid, suspended or revoked; expiry is read from valid_until.
    status text not null,
    status_reason text not null default '',
    created_at integer not null,
    updated_at integer not null,
    constraint licence_number_key unique (number)
);
create index licence_holder_idx on licence (holder_account_id, licence_id);
create index licence_department_idx on licence (department_id, licence_id);
