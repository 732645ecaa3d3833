//! What a registration's page shows beside the registration itself: the people it names (owner and RASCI),
//! who ticked each checklist item and when, the owner's name when they have left (their account is
//! deactivated), and the linked supplier. One statement: every round trip before a page costs the server and
//! the database more than the small reads themselves (issue 24). Only the people the registration names are
//! read, not every member of the organisation: a municipality's thousands of accounts (SCIM) would otherwise
//! be read on every view of every registration.

use sqlx::PgConnection;
use sqlx::types::Json;
use uuid::Uuid;

use super::checklist::{self, Tick, TickView};
use super::form::Member;
use super::store::Stored;

pub struct Beside {
    /// The members of the organisation the registration names (owner, RASCI), as [`super::store::members`]
    /// orders them.
    pub people: Vec<Member>,
    pub ticks: Vec<TickView>,
    pub owner_left: Option<String>,
    /// The supplier from the supplier register: its id and name.
    pub supplier: Option<(Uuid, String)>,
}

pub async fn load(conn: &mut PgConnection, app: &Stored) -> sqlx::Result<Beside> {
    // The people named are found from the row itself, so that one plan serves every registration (see the test).
    let row = sqlx::query!(
        r#"select (select u.name from app_user u where u.user_id = a.owner_id and not u.active) as "owner_left?",
                  s.supplier_id as "supplier_id?", s.name as "supplier?",
                  (select coalesce(json_agg(json_build_object('item', t.item, 'name', u.name, 'ticked_at', t.ticked_at)),
                                   '[]')
                     from checklist_tick t left join app_user u on u.user_id = t.ticked_by
                    where t.application_id = a.application_id) as "ticks!: Json<Vec<Tick>>",
                  (select coalesce(json_agg(json_build_object('user_id', u.user_id, 'name', u.name, 'email', u.email,
                                                              'active', u.active)
                                            order by u.active desc, u.name, u.email), '[]')
                     from app_user u
                    where u.user_id in (select a.owner_id
                                        union select ra.user_id from rasci_assignment ra
                                               where ra.application_id = a.application_id)
                      and exists (select 1 from membership m
                                   where m.user_id = u.user_id and m.organisation_id = a.organisation_id))
                    as "people!: Json<Vec<Member>>"
             from application a left join supplier s using (supplier_id)
            where a.application_id = $1"#,
        app.id
    )
    .fetch_optional(conn)
    .await?;
    // Gone since it was read (deleted in between): the page shows what it read, without these.
    let Some(row) = row else {
        return Ok(Beside {
            people: Vec::new(),
            ticks: checklist::views_of(app, &[]),
            owner_left: None,
            supplier: None,
        });
    };
    Ok(Beside {
        people: row.people.0,
        ticks: checklist::views_of(app, &row.ticks.0),
        owner_left: row.owner_left,
        supplier: row.supplier_id.zip(row.supplier),
    })
}

#[cfg(test)]
mod tests {
    use crate::register::fields::{FIELDS, Kind};

    /// The statement finds the people the registration names in the row itself (the owner, the RASCI
    /// assignments): with their ids passed as an array PostgreSQL planned it again for every view (a generic plan
    /// guesses ten ids and cost three times the custom one), 0.65 ms of planning each time. A new field that holds
    /// a person must be named in the statement too.
    #[test]
    fn the_owner_is_the_only_field_that_holds_a_person() {
        let people: Vec<&str> = FIELDS.iter().filter(|f| matches!(f.kind, Kind::User)).map(|f| f.key).collect();
        assert_eq!(people, ["owner_id"]);
    }
}
