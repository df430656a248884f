-- Applications entered at the window (线上线下一体化) for the person at the counter, and the
-- agent (代办人) acting for an applicant: their name, their resident ID masked for display and
-- as a keyed hash for lookup (never in clear), and the written authorisation, a stored file.
alter table application add column agent_name text;
alter table application add column agent_id_masked text;
alter table application add column agent_id_hmac bytea;
alter table application add column agent_authorisation text;
