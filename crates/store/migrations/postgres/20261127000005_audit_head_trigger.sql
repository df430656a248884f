-- The audit head follows every appended entry by trigger, inside the same statement, so a
-- write transaction no longer needs a separate round trip to move the head before commit.
-- The head still detects a deleted tail: deletes do not move it.
create function audit_entry_moves_head() returns trigger language plpgsql as $$
begin
    update audit_head set last_seq = new.audit_entry_id, last_hash = new.hash where audit_head_id = 1;
    return new;
end;
$$;
create trigger audit_entry_moves_head after insert on audit_entry
    for each row execute function audit_entry_moves_head();
