-- The day the due-date sweep last told the people handling an application that it falls due
-- or is late, so they are told once a day, not at every sweep.
alter table application add column due_notified_on text;
