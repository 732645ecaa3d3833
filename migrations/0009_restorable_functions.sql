-- pg_restore runs with an empty search_path, so a function used by a check constraint that calls another of
-- our functions must find it without one: is_reference_list calls is_https_link. Found by the backup and
-- restore check (tests/api/faults.rs); without this, restoring a dump failed on the application table.
alter function is_reference_list(jsonb, integer, boolean) set search_path from current;
