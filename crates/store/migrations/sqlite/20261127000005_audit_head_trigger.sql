-- The audit head follows every appended entry by trigger, inside the same statement, so a
-- write transaction no longer needs a separate round trip to move the head before commit.
-- The head still detects a deleted tail: deletes do not move it.
create trigger audit_entry_moves_head after insert on audit_entry
begin
    update audit_head set last_seq = new.audit_entry_id, last_hash = new.hash where audit_head_id = 1;
end;
