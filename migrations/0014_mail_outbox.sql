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
    status text not null default 'wachtrij'
        constraint mail_outbox_status check (status in ('wachtrij', 'verzonden', 'mislukt')),
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
