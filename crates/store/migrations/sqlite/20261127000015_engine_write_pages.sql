-- A process command commits a handful of rows; on SQLite each page it dirties is a WAL frame
-- written at commit, which is most of a command's cost next to a one-row transaction
-- (docs/benchmarks.md). Two work-item indexes held every row although their queries read only
-- a part: the inbox (待办) reads open items, the done list (已办) items someone completed.
-- Partial indexes keep a new item out of the second and a finished one out of the first.
drop index work_item_assignee_idx;
create index work_item_open_assignee_idx on work_item (assignee) where status = 'open';
drop index work_item_completed_by_idx;
create index work_item_completed_by_idx on work_item (completed_by, completed_at)
    where completed_by is not null;

-- Every instance update moves the version by exactly one from the version its writer read.
-- The optimistic path writes from a remembered state without reading the row; this trigger
-- refuses a stale one inside the update itself, so the check costs no second statement.
create trigger process_instance_version_follows before update of version on process_instance
when new.version <> old.version + 1
begin
    select raise(abort, 'process_instance_changed');
end;
