-- Two-factor login (TOTP, RFC 6238) with recovery codes, the organisation's requirement of it for
-- beheerders and CISOs (BIO2 5.17.01), and personal API tokens for the REST API.

-- The TOTP secret of a user who switched two-factor login on; `totp_last_step` is the 30-second step of the
-- last code accepted, so a code works once (ASVS 6.5.1). `totp_pending` holds a secret being set up.
alter table app_user
    add column totp_secret     bytea,
    add column totp_enabled_at timestamptz,
    add column totp_last_step  bigint,
    add column totp_pending    bytea,
    add constraint app_user_totp_check check ((totp_secret is null) = (totp_enabled_at is null));

-- Single-use recovery codes for a lost authenticator; only their SHA-256 is kept.
create table totp_recovery_code (
    user_id    uuid not null references app_user (user_id) on delete cascade,
    code_hash  bytea not null,
    used_at    timestamptz,
    constraint totp_recovery_code_pkey primary key (user_id, code_hash)
);

-- The administrator can require two-factor login for beheerders and CISOs of the organisation.
alter table organisation add column require_mfa boolean not null default false;

-- A session that has passed the password but not yet the second factor.
alter table session add column mfa_pending boolean not null default false;

-- Personal API tokens: bound to one user and one organisation, with the user's roles there at the time of
-- each request (a role taken away is gone from the token at once). Only the SHA-256 of the token is kept;
-- the token is shown once. `prefix` lets people recognise a token in the list.
create table api_token (
    api_token_id    uuid primary key,
    user_id         uuid not null references app_user (user_id) on delete cascade,
    organisation_id uuid not null references organisation (organisation_id) on delete cascade,
    name            text not null,
    token_hash      bytea not null,
    prefix          text not null,
    can_write       boolean not null default false,
    created_at      timestamptz not null default now(),
    expires_at      timestamptz not null,
    last_used_at    timestamptz,
    revoked_at      timestamptz,
    constraint api_token_name_check check (length(btrim(name)) between 1 and 100),
    constraint api_token_hash_key unique (token_hash),
    constraint api_token_expiry_check check (expires_at > created_at)
);
create index api_token_user_idx on api_token (user_id, created_at desc);
