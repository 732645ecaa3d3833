-- The AI policy of an organisation (issue 22, items 1 and 2): versions of its text (draft, published on a date,
-- superseded) and each person's acknowledgement of a published version.

create table policy_version (
    policy_version_id   uuid primary key,
    organisation_id     uuid not null references organisation (organisation_id) on delete cascade,
    -- Counted per organisation from 1; what people see ("versie 3").
    number              integer not null,
    title               text not null,
    -- Sanitised HTML as the register's rich text stores it (p, br, ul, ol, li); a paragraph that is one line
    -- starting with "# " is a heading.
    body                text not null,
    status              text not null default 'concept',
    -- The date the version takes effect, chosen when it is published.
    published_on        date,
    published_at        timestamptz,
    published_by        uuid references app_user (user_id) on delete set null,
    superseded_at       timestamptz,
    -- Who is asked to acknowledge it: empty means every active member (roles) or every department.
    audience_roles      text[] not null default '{}',
    audience_departments text[] not null default '{}',
    created_by          uuid references app_user (user_id) on delete set null,
    version             integer not null default 0,
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now(),
    constraint policy_version_number_key unique (organisation_id, number),
    constraint policy_version_number_check check (number >= 1),
    constraint policy_version_title_check check (char_length(btrim(title)) between 1 and 200),
    constraint policy_version_body_check check (char_length(body) between 1 and 200000),
    constraint policy_version_status_check check (status in ('concept', 'gepubliceerd', 'vervangen')),
    constraint policy_version_published_check check ((status = 'concept') = (published_at is null)
                                                     and (published_at is null) = (published_on is null)),
    constraint policy_version_roles_check check (audience_roles <@ array['medewerker', 'projectleider', 'ciso',
                                                                         'fg', 'directie', 'beheerder'])
);
-- At most one draft and one published version at a time.
create unique index policy_version_one_draft on policy_version (organisation_id) where status = 'concept';
create unique index policy_version_one_published on policy_version (organisation_id) where status = 'gepubliceerd';

create table policy_acknowledgement (
    policy_version_id   uuid not null references policy_version (policy_version_id) on delete cascade,
    user_id             uuid not null references app_user (user_id) on delete cascade,
    acknowledged_at     timestamptz not null default now(),
    constraint policy_acknowledgement_pkey primary key (policy_version_id, user_id)
);
create index policy_acknowledgement_user_idx on policy_acknowledgement (user_id);

-- A person's department, for coverage per department. "if not exists": the literacy records (issue 22, items
-- 3 and 4) need the same column and may add it in their own migration.
alter table app_user add column if not exists department text;

-- "Lees en bevestig het AI-beleid": on publication and as a reminder.
insert into notification_kind (kind) values ('beleid') on conflict do nothing;
