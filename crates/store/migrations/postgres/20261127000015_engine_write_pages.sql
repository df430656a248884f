-- Partial work-item indexes: the inbox (待办) reads open items, the done list (已办) items
-- someone completed; an index holding only those is smaller and is touched by fewer writes
-- (the SQLite twin of this migration says why that matters there).
drop index work_item_assignee_idx;
create index work_item_open_assignee_idx on work_item (assignee) where status = 'open';
drop index work_item_completed_by_idx;
create index work_item_completed_by_idx on work_item (completed_by, completed_at)
    where completed_by is not null;

-- Every instance update moves the version by exactly one from the version its writer read.
-- The optimistic path writes from a remembered state without reading the row; this trigger
-- refuses a stale one inside the update itself.
create function process_instance_version_follows() returns trigger language plpgsql as $$
begin
    if new.version <> old.version + 1 then
        raise exception 'process_instance_changed: version % does not follow %', new.version, old.version
            using errcode = '40001';
    end if;
    return new;
end;
$$;
create trigger process_instance_version_follows before update of version on process_instance
    for each row execute function process_instance_version_follows();
