-- Foundation schema: organisation, accounts, access, sessions, audit, shared services.
-- Conventions (ARCHITECTURE.md): singular tables, <table>_id keys, times as unix milliseconds
-- (bigint) so both backends compare and sort them identically, booleans as 0/1 integers
-- because the sqlx Any driver decodes integers the same way on both backends.
-- The PostgreSQL tree has a migration of the same name with the same tables.

-- The department tree (区 → 部门 → 科室; 街道/镇 → 社区/村). `path` is materialised
-- ("/1/5/12/") so data-scope filters are one indexed prefix match, not a recursive query.
create table department (
    department_id integer primary key,
    parent_id integer references department (department_id),
    code text not null constraint department_code_key unique,
    name text not null,
    kind text not null,
    path text not null,
    sort integer not null default 0,
    leader_account_id integer,
    created_at integer not null,
    updated_at integer not null
);
create index department_path_idx on department (path);

-- Staff and applicants share one account table: both log in the same way, and applicant
-- identity (resident ID, USCC) is what differs. Personal data is stored SM4-encrypted with an
-- SM3-HMAC beside it for exact-match lookup (RULES.md §7.3); the key never enters the database.
create table account (
    account_id integer primary key,
    username text not null constraint account_username_key unique,
    display_name text not null,
    kind text not null,
    password_hash text not null,
    must_change_password integer not null default 0,
    totp_secret_enc blob,
    totp_enabled integer not null default 0,
    locked_until integer,
    status text not null default 'active',
    phone_enc blob,
    phone_hmac blob,
    resident_id_enc blob,
    resident_id_hmac blob constraint account_resident_id_hmac_key unique,
    uscc text constraint account_uscc_key unique,
    password_changed_at integer not null,
    created_at integer not null,
    updated_at integer not null
);
create index account_phone_hmac_idx on account (phone_hmac);

-- A post (岗位) places an account in a department. Several posts give 兼职; the roles hang
-- off the post, so what a person may do depends on the department they act for.
create table post (
    post_id integer primary key,
    account_id integer not null references account (account_id),
    department_id integer not null references department (department_id),
    is_primary integer not null default 0,
    title text not null default '',
    created_at integer not null,
    updated_at integer not null,
    constraint post_account_id_department_id_key unique (account_id, department_id)
);
create index post_department_idx on post (department_id);

create table role (
    role_id integer primary key,
    code text not null constraint role_code_key unique,
    name text not null,
    data_scope text not null,
    admin_duty text,
    created_at integer not null,
    updated_at integer not null
);

create table role_permission (
    role_id integer not null references role (role_id),
    permission text not null,
    constraint role_permission_role_id_permission_key unique (role_id, permission)
);

create table post_role (
    post_id integer not null references post (post_id) on delete cascade,
    role_id integer not null references role (role_id),
    constraint post_role_post_id_role_id_key unique (post_id, role_id)
);

-- Sessions are looked up by the SM3 hash of their token, so a leaked table does not leak
-- usable tokens.
create table session (
    session_id text primary key,
    account_id integer not null references account (account_id),
    department_id integer references department (department_id),
    kind text not null,
    csrf_token text not null,
    source_addr text not null,
    totp_verified integer not null default 0,
    created_at integer not null,
    last_seen_at integer not null,
    expires_at integer not null,
    revoked_at integer
);
create index session_account_idx on session (account_id);

create table login_log (
    login_log_id integer primary key,
    at integer not null,
    username text not null,
    account_id integer,
    source_addr text not null,
    outcome text not null,
    detail text not null default ''
);
create index login_log_account_at_idx on login_log (account_id, at);
create index login_log_at_idx on login_log (at);

-- The audit trail: append-only, chained with SM3 (each entry holds the previous entry's hash).
-- audit_head is the single row every write transaction locks first; it serialises appends so
-- the chain never forks, and it remembers the tail so a deleted last entry is detected.
create table audit_entry (
    audit_entry_id integer primary key,
    at integer not null,
    actor_account_id integer,
    actor_name text not null,
    department_id integer,
    source_addr text not null,
    action text not null,
    object_type text not null,
    object_id text not null,
    changes text not null,
    digest text not null,
    prev_hash text not null,
    hash text not null
);
create index audit_entry_actor_idx on audit_entry (actor_account_id, at);
create index audit_entry_object_idx on audit_entry (object_type, object_id);
create index audit_entry_at_idx on audit_entry (at);

create table audit_head (
    audit_head_id integer primary key,
    last_seq integer not null,
    last_hash text not null
);
insert into audit_head (audit_head_id, last_seq, last_hash)
values (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- The application never updates or deletes audit rows; these triggers make an accidental
-- attempt fail loudly. A DBA can still drop them, which is what `fgf audit verify` is for.
create trigger audit_entry_no_update before update on audit_entry
begin select raise(abort, 'audit entries are append-only'); end;
create trigger audit_entry_no_delete before delete on audit_entry
begin select raise(abort, 'audit entries are append-only'); end;

-- Dictionaries (code tables such as 事项类型): editable at run time, every change a new version.
create table dictionary (
    dictionary_id integer primary key,
    code text not null constraint dictionary_code_key unique,
    name text not null,
    version integer not null default 1,
    created_at integer not null,
    updated_at integer not null
);
create table dictionary_item (
    dictionary_item_id integer primary key,
    dictionary_id integer not null references dictionary (dictionary_id),
    code text not null,
    label text not null,
    label_en text not null default '',
    sort integer not null default 0,
    enabled integer not null default 1,
    created_at integer not null,
    updated_at integer not null,
    constraint dictionary_item_dictionary_id_code_key unique (dictionary_id, code)
);
create table dictionary_version (
    dictionary_version_id integer primary key,
    dictionary_id integer not null references dictionary (dictionary_id),
    version integer not null,
    snapshot text not null,
    account_id integer,
    created_at integer not null,
    constraint dictionary_version_dictionary_id_version_key unique (dictionary_id, version)
);

-- Calendar years entered by administrators (a new State Council notice each November).
-- The binary ships 2024–2026; a row here overrides or extends the shipped data.
create table calendar_year (
    year integer primary key,
    document_no text not null,
    data text not null,
    created_at integer not null,
    updated_at integer not null
);

create table notification (
    notification_id integer primary key,
    account_id integer not null references account (account_id),
    title text not null,
    body text not null,
    link text not null default '',
    created_at integer not null,
    read_at integer
);
create index notification_account_idx on notification (account_id, created_at);

-- The outbox: written in the same transaction as the change it announces; workers deliver it.
create table outbox (
    outbox_id integer primary key,
    topic text not null,
    payload text not null,
    created_at integer not null,
    dispatched_at integer
);
create index outbox_pending_idx on outbox (dispatched_at, outbox_id);

-- Background jobs name a registered Rust handler by `kind`; nothing here is ever executed as
-- code. Leases make a due job run on one node only.
create table job (
    job_id integer primary key,
    kind text not null,
    payload text not null,
    run_at integer not null,
    status text not null,
    attempts integer not null default 0,
    last_error text not null default '',
    lease_owner text,
    lease_until integer,
    created_at integer not null,
    updated_at integer not null
);
create index job_due_idx on job (status, run_at);

-- Uploaded files live under the data folder, addressed by their SM3 content hash.
create table file_object (
    content_hash text primary key,
    size integer not null,
    mime text not null,
    original_name text not null,
    uploaded_by integer references account (account_id),
    created_at integer not null
);

-- Idempotency-Key replay store for creating POSTs (DESIGN.md API conventions).
create table idempotency (
    account_id integer not null,
    idem_key text not null,
    request_path text not null,
    status integer not null,
    body text not null,
    created_at integer not null,
    constraint idempotency_account_id_idem_key_key primary key (account_id, idem_key)
);
