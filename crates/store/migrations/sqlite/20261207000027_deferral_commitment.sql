-- 容缺受理: a material accepted missing on the applicant's written commitment to supply it by a
-- date ('deferred' rows, the signed commitment as the file); 告知承诺制: a certificate replaced
-- by the applicant's signed commitment ('commitment' rows), verified later.
alter table application_material add column due_on text;
-- null until checked; 1 true, 0 false (a false commitment).
alter table application_material add column verified integer;
alter table application_material add column verified_note text not null default '';

-- What stands on an applicant's record: a false commitment (告知承诺不实) is the first kind.
create table applicant_record (
    applicant_record_id integer primary key,
    applicant_account_id integer not null references account (account_id),
    application_id integer not null references application (application_id),
    kind text not null,
    note text not null,
    recorded_on text not null,
    created_at integer not null
);
create index applicant_record_applicant_idx on applicant_record (applicant_account_id, applicant_record_id);
