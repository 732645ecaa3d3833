-- The person fields' suggestions while typing (a word of the name or the address starting with the text:
-- ILIKE 'x%' / '% x%') and the resolution of a typed name on saving (each word anywhere: ILIKE '%x%') in
-- register::people scanned every account of every organisation: 55 ms a keystroke at 60,800 accounts (issue 24).
-- Trigram indexes answer those patterns from the words typed. pg_trgm is already part of the schema (0002).
create index app_user_name_trgm_idx on app_user using gin (name gin_trgm_ops);
create index app_user_email_trgm_idx on app_user using gin (email gin_trgm_ops);
