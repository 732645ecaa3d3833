-- The upload client follows the register's published contract (issue 16, item 3), and a decision-aid run records
-- the content hash of its tree (item 4).

-- How the connection gets its bearer token. Organisations get a confidential client (id + secret, the secret
-- from the server's environment or a file, never stored here) for the client-credentials grant; the password
-- grant of a personal API account stays as an explicit choice. Saved connections keep what they did.
alter table register_connection add column grant_type text not null default 'password';
alter table register_connection alter column grant_type set default 'client_credentials';
alter table register_connection add constraint register_connection_grant_type_check
    check (grant_type in ('client_credentials', 'password'));
-- The account (user name) is only needed for the password grant.
alter table register_connection drop constraint register_connection_username_check;
alter table register_connection add constraint register_connection_username_check
    check (char_length(btrim(username)) <= 200
           and (grant_type <> 'password' or char_length(btrim(username)) >= 1));

-- The register answered an update with NO_CHANGES ('geen_wijzigingen'), or the published registration was
-- retracted from it because it is no longer public here ('ingetrokken').
alter table register_sync drop constraint register_sync_state_check;
alter table register_sync add constraint register_sync_state_check check (state in
    ('nieuw', 'aangemaakt', 'bijgewerkt', 'geen_wijzigingen', 'vrijgegeven', 'gepubliceerd', 'ingetrokken', 'fout'));
alter table register_sync add column retracted_at timestamptz;

-- Versions of the reference data (issue 16, item 4): the content hash (SHA-256 of the file) of the decision
-- tree a run was made with, since the government changes the tree's content without changing its version.
-- Runs made before this column existed have none (not known).
alter table ai_act_run add column tree_sha256 text;
alter table ai_act_run add constraint ai_act_run_tree_sha256_check check (tree_sha256 ~ '^[0-9a-f]{64}$');
