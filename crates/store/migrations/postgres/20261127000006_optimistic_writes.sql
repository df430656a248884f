-- A write transaction may append to the chain from the head it remembers instead of reading
-- it first (the optimistic path of process commands). The head therefore checks each entry
-- before it is written: the entry must follow the head exactly (next number, previous hash),
-- else the statement fails and the writer retries on the locked path. Rows of one insert are
-- checked and applied in order, so one statement may append several entries. A missing head
-- row (a restore in progress) checks nothing.
drop trigger audit_entry_moves_head on audit_entry;
drop function audit_entry_moves_head();
create function audit_entry_extends_head() returns trigger language plpgsql as $$
declare
    head record;
begin
    select last_seq, last_hash into head from audit_head where audit_head_id = 1 for update;
    if found then
        if head.last_seq + 1 <> new.audit_entry_id or head.last_hash <> new.prev_hash then
            raise exception 'audit_head_stale: entry % does not follow %', new.audit_entry_id, head.last_seq
                using errcode = '40001';
        end if;
        update audit_head set last_seq = new.audit_entry_id, last_hash = new.hash where audit_head_id = 1;
    end if;
    return new;
end;
$$;
create trigger audit_entry_extends_head before insert on audit_entry
    for each row execute function audit_entry_extends_head();

-- The optimistic path's checks on rows it did not lock: a guard row with a null in it is
-- inserted exactly when a check failed, so the statement (and the transaction) fails.
create table write_guard (
    must_hold integer not null
);
