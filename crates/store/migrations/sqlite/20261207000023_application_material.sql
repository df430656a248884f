-- The materials of an application (申请材料): each material the guide lists that came with
-- it, as an upload (a stored file, its type read from its content), or attached from an
-- electronic licence this platform issued (免提交, 国务院令第716号第七条), with the applicant's
-- consent recorded; the count of materials not re-submitted is read from here per matter
-- (数据多跑路).
create table application_material (
    application_material_id integer primary key,
    application_id integer not null references application (application_id),
    -- The material's name as the matter's guide lists it.
    name text not null,
    -- 'upload' or 'licence'.
    source text not null,
    file_hash text,
    licence_number text,
    -- The round in which it came: 1 with the application, 2 and on with supplements.
    round integer not null,
    created_at integer not null
);
create index application_material_application_idx on application_material (application_id, application_material_id);
create index application_material_file_idx on application_material (file_hash);
-- The applicant agreed that materials the government holds be attached for them.
alter table application add column reuse_consent integer not null default 0;
