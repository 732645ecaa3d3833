-- literacy::rules::standing in SQL, so the dashboard counts how the organisation's required trainings stand per
-- department and role in the database (issue 24) instead of reading every (person, training) pair and counting
-- them in Rust. The values are Standing::as_str; `warning_days` is rules::EXPIRY_WARNING_DAYS, passed by the
-- caller so the number lives in one place. tests/api/literacy.rs compares it with the Rust rule on a grid of
-- days, completion dates around both boundaries, validities and waiting entries.
create function training_standing(done date, months integer, waiting boolean, today date, warning_days integer)
    returns text
    language sql immutable parallel safe
    return case
        when done is null then case when waiting then 'wacht_op_bevestiging' else 'ontbreekt' end
        when months is null then 'geldig'
        when training_valid_until(done, months) < today
            then case when waiting then 'wacht_op_bevestiging' else 'verlopen' end
        when training_valid_until(done, months) - today < warning_days then 'verloopt_binnenkort'
        else 'geldig'
    end;

-- Per person and training of an organisation: the latest confirmed completion and whether an entry of the
-- person waits for confirmation.
create view training_latest as
    select c.organisation_id, c.user_id, c.training_id,
           max(c.completed_on) filter (where c.confirmed_at is not null) as done,
           bool_or(c.confirmed_at is null) as waiting
    from training_completion c
    group by c.organisation_id, c.user_id, c.training_id;

-- Every need (person, required training, reason) with the person, the training, the tool and the latest
-- completion: what the lists read one row at a time (literacy::status::pairs) and the figures count
-- (literacy::figures::standing_counts), so both start from the same rows.
create view training_need_detail as
    select n.organisation_id, n.user_id, u.name as user_name, u.email, u.department, n.training_id, t.title,
           t.validity_months, n.role, n.application_id, a.name as tool, l.done, coalesce(l.waiting, false) as waiting
    from training_need n join app_user u on u.user_id = n.user_id
    join training t on t.training_id = n.training_id
    left join application a on a.application_id = n.application_id
    left join training_latest l
           on l.organisation_id = n.organisation_id and l.user_id = n.user_id and l.training_id = n.training_id;
