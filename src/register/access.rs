//! Who may do what with a registration, beyond the roles: four-eyes, editing and looking after its life.

use super::store::Stored;
use crate::roles::Role;
use crate::web::session::CurrentUser;

/// Four-eyes (seed 002 §6): who registered, submitted or owns a registration never decides on it.
pub fn is_party(user: &CurrentUser, app: &Stored) -> bool {
    let me = Some(user.user_id);
    app.uuid("created_by") == me || app.uuid("submitted_by") == me || app.uuid("owner_id") == me
}

/// Owner, project leader, CISO or administrator may edit; the person who registered it may while it is a
/// draft or was sent back.
pub fn can_edit(user: &CurrentUser, app: &Stored) -> bool {
    can_manage(user, app) || (app.uuid("created_by") == Some(user.user_id) && app.status.is_submittable())
}

/// Owner, project leader, CISO or administrator look after a registration's life cycle (put into use,
/// retire, evaluate).
pub fn can_manage(user: &CurrentUser, app: &Stored) -> bool {
    user.has_role(Role::Projectleider)
        || user.has_role(Role::Ciso)
        || user.has_role(Role::Beheerder)
        || app.uuid("owner_id") == Some(user.user_id)
}
