-- A write transaction may append to the chain from the head it remembers instead of reading
-- it first (the optimistic path of process commands). The head therefore checks each entry
-- before it is written: the entry must follow the head exactly (next number, previous hash),
-- else the statement fails and the writer retries on the locked path. A missing head row (a
-- restore in progress) checks nothing.
drop trigger audit_entry_moves_head;
create trigger audit_entry_extends_head before insert on audit_entry
begin
    select raise(abort, 'audit_head_stale')
    where exists (
        select 1 from audit_head
        where audit_head_id = 1
          and (last_seq + 1 <> new.audit_entry_id or last_hash <> new.prev_hash)
    );
    update audit_head set last_seq = new.audit_entry_id, last_hash = new.hash where audit_head_id = 1;
end;

-- The optimistic path's checks on rows it did not lock: a guard row with a null in it is
-- inserted exactly when a check failed, so the statement (and the transaction) fails.
create table write_guard (
    must_hold integer not null
);
