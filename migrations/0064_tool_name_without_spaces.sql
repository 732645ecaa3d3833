-- The request look-up and the allowed-tools look-up by name (register::requests::store::matching_registrations,
-- allowed::tools_by) also match a name written with other spaces or punctuation: "Chat GPT" and "chat-gpt" find
-- "ChatGPT Team" (a walk-through: the employee was told the tool was not in the register). The name with only
-- its letters and digits, lower case, has a trigram index as lower(name) has (0002), so both halves of the
-- look-up stay index scans.
create function name_squashed(name text) returns text
    language sql immutable strict parallel safe
    return regexp_replace(lower(name), '[^[:alnum:]]+', '', 'g');

create index application_name_squashed_trgm_idx on application using gin (name_squashed(name) gin_trgm_ops);
