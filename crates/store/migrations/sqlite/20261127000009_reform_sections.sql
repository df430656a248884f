-- A task belongs to a part (section) of the plan and names its cooperating units (配合单位)
-- beside the lead unit.
alter table reform_task add column section text not null default '';
alter table reform_task add column partners text not null default '';
