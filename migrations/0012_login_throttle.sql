-- Login throttling kept in PostgreSQL, so that several instances behind one proxy share one count.
--
-- Failed logins from browsers the register does not know are limited per client address (a token bucket:
-- `tokens` attempts left at `updated_at`, refilled at the configured rate). IPv6 clients count per /64.
create table login_throttle (
    address text primary key,
    tokens double precision not null,
    updated_at timestamptz not null default now()
);

-- Device cookies (OWASP, "Slow down online guessing attacks with device cookies"): a browser in which a user
-- has logged in gets a random token, stored here only as its SHA-256. With it, that user's logins are not held
-- back by other people's failures from the same address (an office behind one public address). Failures
-- through a token are counted on the token; after five in a row it is no longer trusted.
create table login_device (
    token_hash bytea primary key check (octet_length(token_hash) = 32),
    user_id uuid not null references app_user (user_id) on delete cascade,
    created_at timestamptz not null default now(),
    last_login_at timestamptz not null default now(),
    failures integer not null default 0
);
create index login_device_user on login_device (user_id);
