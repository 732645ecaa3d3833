-- The public register's search (publication::public) ran on the text index of every registration: at 100,000
-- registrations "vertaaldienst" found 6,667, each read from the wide table to keep the 1,430 published ones
-- (37 ms). This index holds only what registration_public() lets through, so the search visits the published
-- matches alone (7–8 ms; issue 24). The predicate is registration_public's body, which PostgreSQL inlines.
create index application_public_search_idx
    on application using gin (search)
    where publish and workflow_status in ('goedgekeurd', 'goedgekeurd_onder_voorwaarden', 'in_gebruik', 'buiten_gebruik');
