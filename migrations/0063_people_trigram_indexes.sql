-- The person fields' suggestions while typing and the resolution of a typed name on saving (register::people)
-- looked for the text anywhere in every account's name and e-mail address (ILIKE '%…%'), a scan of all accounts
-- of every organisation on each keystroke: 55 ms at 60,800 accounts (issue 24). Trigram indexes answer those
-- patterns from the words typed. pg_trgm is already part of the schema (0002).
create index app_user_name_trgm_idx on app_user using gin (name gin_trgm_ops);
create index app_user_email_trgm_idx on app_user using gin (email gin_trgm_ops);
