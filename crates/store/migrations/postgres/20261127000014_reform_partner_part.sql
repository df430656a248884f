-- What a cooperating unit's part of a task is (配合单位及其分工), accepted or disputed with it.
alter table reform_acceptance add column part text not null default '';
