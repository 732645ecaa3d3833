-- The conditions several statements share, kept once in the database instead of spliced into SQL text by the
-- application: every statement that uses them stays one literal, compile-checked query (issue 17). SQL-standard
-- bodies (not strings), so PostgreSQL records what each reads: a dropped or renamed column is caught here, not
-- at run time. The simple ones are inlined by the planner, so indexes are used as before. Each mirrors a Rust
-- rule beside it (named in the comment); tests compare the two on the demo data.

-- register::machine::WorkflowStatus: on its way or in use (not a draft, not ended), where missing assessments and
-- overdue evaluations matter.
create function registration_active(status text) returns boolean
    language sql immutable parallel safe
    return status not in ('concept', 'buiten_gebruik', 'afgewezen');

-- Approved tools and tools in use: the registrations that are evaluated.
create function registration_approved(status text) returns boolean
    language sql immutable parallel safe
    return status in ('goedgekeurd', 'goedgekeurd_onder_voorwaarden', 'in_gebruik');

-- What the allowed-tools list shows: approved tools, tools in use and refused tools.
create function registration_listed(status text) returns boolean
    language sql immutable parallel safe
    return status in ('goedgekeurd', 'goedgekeurd_onder_voorwaarden', 'in_gebruik', 'afgewezen');

-- publication::algorithm_in: what the public register and the national register's export show.
create function registration_public(publish boolean, status text) returns boolean
    language sql immutable parallel safe
    return publish and status in ('goedgekeurd', 'goedgekeurd_onder_voorwaarden', 'in_gebruik', 'buiten_gebruik');

-- The severity order of incidents, worst first.
create function incident_severity_rank(severity text) returns integer
    language sql immutable parallel safe
    return case severity when 'kritiek' then 0 when 'hoog' then 1 when 'middel' then 2 else 3 end;

-- register::gates::involves_personal_data (never null: an unanswered data class counts as not allowed).
create function processes_personal_data(a application) returns boolean
    language sql stable parallel safe
    return coalesce(a.personal_data, false) or coalesce(a.special_categories, false)
        or coalesce(a.dc_persoonsgegevens in ('toegestaan', 'onder_voorwaarden'), false)
        or coalesce(a.dc_bijzondere in ('toegestaan', 'onder_voorwaarden'), false);

-- register::gates::Facts::iama_required (never null).
create function iama_required(a application) returns boolean
    language sql stable parallel safe
    return coalesce(a.ai_act_risk_group = 'hoog-risico AI' or a.interaction = 'extern'
        or a.publication_category in ('Hoog-risico AI-systeem', 'Impactvolle algoritmes'), false);

-- register::gates::Facts::dpia_required: personal data with special categories or a high own risk, or a
-- completed Pre-scan DPIA whose latest verdict says a DPIA is required.
create function dpia_required(a application) returns boolean
    language sql stable parallel safe
    return (processes_personal_data(a)
            and coalesce(coalesce(a.special_categories, false)
                 or a.dc_bijzondere in ('toegestaan', 'onder_voorwaarden') or a.risk_level = 'hoog', false))
        or coalesce((select q.verdicts from questionnaire q
                      where q.application_id = a.application_id and q.kind = 'prescan' and q.status = 'afgerond'
                      order by q.completed_at desc limit 1)
                    @> '[{"assessment": "DPIA", "level": "required"}]', false);

-- A completed assessment of one of `kinds` for the registration (DPIA: {dpia}; IAMA: {iama,fraia}).
create function assessment_completed(application uuid, kinds text[]) returns boolean
    language sql stable parallel safe
    return exists(select 1 from assessment s
                   where s.application_id = application and s.status = 'afgerond' and s.kind = any(kinds));
