-- Account security (issue 11).
-- Usernames are unique without regard to case: "Reviewer" and "reviewer" would otherwise be two
-- accounts that people, logs and candidate lists cannot tell apart.
create unique index account_username_lower_key on account (lower(username));

-- A TOTP code is accepted once: the last accepted time step is kept, and a login presenting a
-- code of that step or an earlier one is refused (RFC 6238 section 5.2).
alter table account add column totp_last_step integer;

-- 等保 level 3 (RULES.md §7.2): a new password may not repeat one of the last five. The
-- argon2id hashes of earlier passwords are kept here; the current one stays on the account.
create table password_history (
    password_history_id integer primary key,
    account_id integer not null references account (account_id),
    password_hash text not null,
    created_at integer not null
);
create index password_history_account_idx on password_history (account_id, created_at);

-- Failed logins are limited per source address and per (username, address): these indexes
-- keep those counts to an index range instead of a scan of the whole log.
create index login_log_addr_at_idx on login_log (source_addr, at);
create index login_log_username_at_idx on login_log (username, at);

-- An applicant recovers a forgotten password themselves: a one-time code goes to the phone
-- registered with the account (no administrator ever sets an applicant's password). One
-- pending code per account; only its SM3 hash is kept, with its expiry and the tries made.
create table recovery_code (
    account_id integer primary key references account (account_id),
    code_hash text not null,
    expires_at integer not null,
    attempts integer not null default 0,
    created_at integer not null
);
