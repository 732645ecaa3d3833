-- A person field's suggestions (register::people::search) find active members by the start of their name, of a
-- word in it, or of their e-mail address. Without an index every account was read (4-8 ms at 3,000); trigram
-- indexes (pg_trgm, created in 0002) let PostgreSQL read only the accounts that fit.
create index app_user_name_trgm_idx on app_user using gin (name gin_trgm_ops);
create index app_user_email_trgm_idx on app_user using gin (email gin_trgm_ops);
