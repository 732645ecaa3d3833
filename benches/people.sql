-- The benchmark's people (benches/load.rs, scripts/member-cost.sh): $1 the organisation, $2 how many member
-- accounts (as SCIM brings a municipality's employees), with Dutch names as a register meets them — a first name,
-- an initial and a surname (with its "de", "van der"), unique up to 62,400 — so a search on a name part finds as
-- many as it would in a real organisation ("bakk": one in 60), not every account. Each registration gets one of
-- them as owner and Accountable, as a real register has, so the application page shows names.
with first_names as (
    select array['Jan','Piet','Kees','Anna','Maria','Sanne','Fatima','Mohamed','Daan','Emma','Lotte','Sem','Lucas',
                 'Julia','Noah','Tess','Ahmed','Yara','Bram','Lieke','Ruben','Fleur','Thijs','Iris','Joris','Nina',
                 'Koen','Eva','Stijn','Sara','Mark','Linda','Peter','Ingrid','Hans','Marieke','Wouter','Esther',
                 'Tom','Femke'] as f,
           array['de Vries','Jansen','de Jong','Bakker','Visser','Smit','Meijer','de Boer','Mulder','de Groot',
                 'Bos','Vos','Peters','Hendriks','van Leeuwen','Dekker','Brouwer','de Wit','Dijkstra','Smits',
                 'de Graaf','van der Meer','van der Linden','Kok','Jacobs','de Haan','Vermeulen','van den Berg',
                 'van Dijk','Yilmaz','El Amrani','Kaya','Bouzid','Schouten','Willems','Hoekstra','Koster','Prins',
                 'Huisman','Verhoeven','Kuipers','van Beek','Veenstra','Post','Maas','Verbeek','Boer','Timmermans',
                 'Groen','Gerritsen','Sahin','Lammers','Wolters','de Bruijn','Sedney','Nguyen','Kramer','Blom',
                 'Evers','Hermans'] as l
), u as (
    insert into app_user (user_id, email, name)
    select gen_random_uuid(),
           lower(f[1 + i % 40]) || '.' || lower(replace(l[1 + (i / 40) % 60], ' ', '')) || i || '@benchdam.example',
           f[1 + i % 40] || ' ' || chr(65 + (i / 2400) % 26) || '. ' || l[1 + (i / 40) % 60]
      from first_names, generate_series(1, $2::int) as i
    returning user_id
), m as (
    insert into membership (user_id, organisation_id, role) select user_id, $1, 'medewerker' from u
    returning user_id
), numbered as (
    select user_id, row_number() over (order by user_id) - 1 as k from m
), apps as (
    select application_id, row_number() over (order by application_id) as n from application
     where organisation_id = $1
), owned as (
    update application a set owner_id = p.user_id
      from apps join numbered p on p.k = apps.n % $2
     where a.application_id = apps.application_id
    returning a.application_id, a.owner_id
)
insert into rasci_assignment (rasci_id, application_id, user_id, letter)
select gen_random_uuid(), application_id, owner_id, 'A' from owned
