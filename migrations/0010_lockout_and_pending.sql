-- Escalating lockout: each lock after five failed attempts (password or second factor) lasts twice as long as
-- the one before (15 minutes, 30, 1 hour … at most 16 hours) until a successful login resets the count.
alter table app_user add column lock_count integer not null default 0;
-- A secret shown for setting up two-factor login is replaced after 30 minutes, so whoever saw the set-up
-- page once does not know the secret the user enrols much later.
alter table app_user add column totp_pending_at timestamptz;
