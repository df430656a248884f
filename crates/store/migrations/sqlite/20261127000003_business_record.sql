-- The business record (业务表单数据) of a process instance. Form data lives here, not in
-- process variables: the engine reads what it needs from the record, and each node may see
-- and edit only the fields its permissions allow.
create table business_record (
    business_record_id integer primary key,
    process_instance_id integer not null references process_instance (process_instance_id),
    data text not null,
    created_at integer not null,
    updated_at integer not null,
    constraint business_record_process_instance_id_key unique (process_instance_id)
);
