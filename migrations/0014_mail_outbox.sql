-- E-mail (issue 20): a transactional outbox. A message is written in the same transaction as the event that
-- causes it (a notification), so a rolled-back change sends nothing and a committed one is never forgotten;
-- the server's mail worker sends what is due (src/mail/).

-- Whether e-mail is on: set by the server at start from its configuration (AIREGISTER_SMTP_URL), read where
-- messages are written, so an installation without e-mail keeps no outbox. Every instance on one database is
-- expected to share its configuration.
create table mail_setting (
    singleton boolean primary key default true check (singleton),
    enabled boolean not null default false
);
insert into mail_setting default values;

create table mail_outbox (
    message_id uuid primary key,
    organisation_id uuid not null references organisation (organisation_id),
    user_id uuid references app_user (user_id) on delete set null,
    -- The address as it was when the event happened.
    to_address text not null,
    to_name text not null,
    kind text not null,
    subject text not null,
    -- The text of the message (plain; the HTML part is made from it when sending) and the page it is about.
    body text not null,
    link text,
    -- wachtrij: to be sent; dagelijks: held for the recipient's daily overview; gebundeld: went out in one.
    status text not null default 'wachtrij'
        constraint mail_outbox_status check (status in ('wachtrij', 'verzonden', 'mislukt', 'dagelijks', 'gebundeld')),
    attempts integer not null default 0,
    -- When the worker may take it (again): now for a new message, later after a failure (back-off), and a lease
    -- while one worker sends it, so a second worker on the same database leaves it alone.
    next_attempt_at timestamptz not null default now(),
    last_error text,
    created_at timestamptz not null default now(),
    sent_at timestamptz
);
create index mail_outbox_due_idx on mail_outbox (next_attempt_at) where status = 'wachtrij';
create index mail_outbox_organisation_idx on mail_outbox (organisation_id, created_at desc);
create index mail_outbox_daily_idx on mail_outbox (user_id) where status = 'dagelijks';

-- Per user and kind of message: at once (the default, no row), in a daily overview, or not by e-mail (in-app
-- only).
create table mail_preference (
    user_id uuid not null references app_user (user_id) on delete cascade,
    kind text not null,
    mode text not null constraint mail_preference_mode check (mode in ('direct', 'dagelijks', 'uit')),
    primary key (user_id, kind)
);

-- The hour (Dutch time) of a user's daily overview, and the day it last went out.
create table mail_digest (
    user_id uuid primary key references app_user (user_id) on delete cascade,
    hour smallint not null default 8 constraint mail_digest_hour check (hour between 0 and 23),
    last_sent_on date
);

-- One-click unsubscribe links (RFC 8058), one per message sent: valid without login for that user and kind
-- only, and once. Only a hash of the token is kept.
create table mail_unsubscribe (
    token_hash bytea primary key,
    user_id uuid not null references app_user (user_id) on delete cascade,
    kind text not null,
    created_at timestamptz not null default now(),
    used_at timestamptz
);
