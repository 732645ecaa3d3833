//! What a registration's page shows beside the registration itself: who ticked each checklist item and when,
//! the owner's name when they have left (their account is deactivated), and the linked supplier. One statement:
//! every round trip before a page costs the server and the database more than the small reads themselves
//! (issue 24).

use sqlx::PgConnection;
use sqlx::types::Json;
use uuid::Uuid;

use super::checklist::{self, Tick, TickView};
use super::store::Stored;

pub struct Beside {
    pub ticks: Vec<TickView>,
    pub owner_left: Option<String>,
    /// The supplier from the supplier register: its id and name.
    pub supplier: Option<(Uuid, String)>,
}

pub async fn load(conn: &mut PgConnection, app: &Stored) -> sqlx::Result<Beside> {
    let row = sqlx::query!(
        r#"select (select u.name from app_user u where u.user_id = a.owner_id and not u.active) as "owner_left?",
                  s.supplier_id as "supplier_id?", s.name as "supplier?",
                  (select coalesce(json_agg(json_build_object('item', t.item, 'name', u.name, 'ticked_at', t.ticked_at)),
                                   '[]')
                     from checklist_tick t left join app_user u on u.user_id = t.ticked_by
                    where t.application_id = a.application_id) as "ticks!: Json<Vec<Tick>>"
             from application a left join supplier s using (supplier_id)
            where a.application_id = $1"#,
        app.id
    )
    .fetch_optional(conn)
    .await?;
    // Gone since it was read (deleted in between): the page shows what it read, without these.
    let Some(row) = row else {
        return Ok(Beside { ticks: checklist::views_of(app, &[]), owner_left: None, supplier: None });
    };
    Ok(Beside {
        ticks: checklist::views_of(app, &row.ticks.0),
        owner_left: row.owner_left,
        supplier: row.supplier_id.zip(row.supplier),
    })
}
