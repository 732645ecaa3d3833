-- A training can now be changed after it was added (its page: "Training wijzigen"). The version the form was
-- read at is checked on saving, so two administrators changing one training never silently overwrite each
-- other: the second one gets the form back with their input and what is stored now.
alter table training add column version integer not null default 1;
