-- Re-application bars (行政许可法第七十八条、第七十九条): an applicant who concealed facts or gave
-- false materials may not apply again for a matter concerning public safety, health, life and
-- property for one year; one who obtained a licence by fraud or bribery, for three years.
-- Checked at every submission, with the reason shown.
create table application_bar (
    application_bar_id integer primary key,
    applicant_account_id integer not null references account (account_id),
    matter_id integer not null references matter (matter_id),
    -- The application whose decision set the bar.
    application_id integer not null references application (application_id),
    -- 'false_materials' (第七十八条) or 'fraud_or_bribery' (第七十九条).
    cause text not null,
    decided_on text not null,
    -- The last day on which the applicant may not apply.
    until_on text not null,
    reason text not null,
    created_at integer not null
);
create index application_bar_applicant_idx on application_bar (applicant_account_id, matter_id);
