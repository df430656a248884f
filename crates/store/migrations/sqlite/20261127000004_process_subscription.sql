-- What each running instance waits for by name (messages and signals), projected from the
-- engine state in the command's transaction, so a message finds its instance by index
-- instead of by reading every running instance.
create table process_subscription (
    process_subscription_id integer primary key,
    process_instance_id integer not null references process_instance (process_instance_id),
    kind text not null,
    name text not null,
    created_at integer not null
);
create index process_subscription_name_idx on process_subscription (kind, name, process_instance_id);
create index process_subscription_instance_idx on process_subscription (process_instance_id);
