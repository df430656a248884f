-- An Idempotency-Key reused with a different request body used to replay the first answer,
-- so a client that reused a key by mistake believed its second, different request had been
-- carried out. The replay store now keeps a hash (SM3) of the method, path and body of the
-- first request, and a reuse with another hash is refused (422 idempotency_key_reused).
-- Rows stored before this column existed have an empty hash and replay as before: their
-- request is unknown, and keys are short-lived retries.
alter table idempotency add column request_hash text not null default '';
