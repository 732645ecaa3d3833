-- The benchmark's registrations (benches/load.rs, scripts/export-memory.sh): $1 the organisation, $2 how many.
insert into application (application_id, organisation_id, name, description_short, provider, tags, department,
    use_category, licence_type, personal_data, workflow_status, submitted_at, contact_email, publication_category,
    dc_openbaar, dc_intern, dc_persoonsgegevens, risk_level_derived, ai_act_risk_group, next_evaluation, goal,
    publish, status, begin_date, created_at, updated_at)
select gen_random_uuid(), $1,
    (array['ChatGPT','Copilot','Gemini','Claude','Notion AI','Descript','Midjourney','Chatbot','WOZ-model',
           'Transcriptie','Vertaaldienst','Fraudesignalering','Routeplanner','CV-screening','Agent'])[1 + i % 15]
        || ' ' || (array['Team','Pro','Burgerzaken','Belastingen','Pilot','Afdeling','Regio'])[1 + i % 7] || ' ' || i,
    (array['Samenvatten van vergaderingen en documenten voor medewerkers.',
           'Beantwoorden van vragen van inwoners via de website.',
           'Schatten van woningwaarden voor de belastingaanslag.',
           'Vertalen van brieven en formulieren naar eenvoudige taal.',
           'Selecteren van sollicitaties op geschiktheid voor een vacature.'])[1 + i % 5],
    (array['OpenAI','Microsoft','Google','Anthropic','Eigen ontwikkeling','Leverancier BV'])[1 + i % 6],
    (array['chatbot, tekst','beeld','belastingen','vertalen','werving'])[1 + i % 5],
    (array['Communicatie','Burgerzaken','Belastingen','HRM','Informatievoorziening','Sociaal domein',
           'Ruimtelijke ontwikkeling','Klantcontactcentrum'])[1 + i % 8],
    (array['interne_productiviteit','algemeen_gebruik','klantprojecten'])[1 + i % 3],
    (array['consument','organisatie'])[1 + i % 2],
    i % 4 = 0,
    (array['concept','ingediend','in_beoordeling','goedgekeurd','in_gebruik','buiten_gebruik','afgewezen'])[1 + i % 7],
    now(), 'algoritmes@gemeente.example', 'Overige algoritmes',
    'toegestaan', (array['toegestaan','onder_voorwaarden','verboden'])[1 + i % 3],
    case when i % 4 = 0 then 'toegestaan' else 'verboden' end,
    (array['laag','middel','hoog'])[1 + i % 3],
    (array['geen hoog-risico AI','hoog-risico AI','niet van toepassing'])[1 + i % 3],
    current_date + (i % 700 - 200),
    '<p>Doel en impact van toepassing ' || i || '. De toepassing ondersteunt medewerkers bij hun werk; '
        || 'een medewerker controleert altijd de uitkomst.</p>',
    i % 2 = 0, 'In gebruik', '2024-03',
    now() - make_interval(days => i % 400), now() - make_interval(mins => i)
from generate_series(1, $2::int) as i
