-- Refused attempts: 403s (a permission not held, a forbidden step), CSRF failures and 404s
-- for records outside the caller's data scope. A penetration test found that probing left
-- no trace; the security and audit administrators now find who tried what, from where.
-- Deliberately not audit entries: a flood of refusals must neither grow the SM3 chain nor
-- serialise on its head. Repeats coalesce into one row per caller (the account, or the
-- address of an anonymous caller), route, code and minute with a count, and the writer
-- deletes the oldest rows beyond a configured cap, so a flood cannot fill the disk.
create table refused_attempt (
    refused_attempt_id integer primary key,
    -- 'a:<account id>' or 'ip:<address>': who the coalescing is per.
    caller_key text not null,
    -- The minute (unix milliseconds / 60000) the repeats are counted in.
    minute integer not null,
    account_id integer,
    username text not null,
    source_addr text not null,
    method text not null,
    route text not null,
    object_id text not null,
    code text not null,
    count integer not null,
    -- First and last refusal of this row.
    created_at integer not null,
    updated_at integer not null,
    constraint refused_attempt_caller_key_route_code_minute_key
        unique (caller_key, method, route, code, minute)
);
create index refused_attempt_created_at_idx on refused_attempt (created_at);
