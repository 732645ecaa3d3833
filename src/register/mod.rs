//! The registration's domain: what a registration is and how its life goes, with no pages. The field
//! catalogue (`fields`) and the validation of form input (`form`, `rasci`, `richtext`), the store
//! (`store`), the own risk level (`risk`), the status machine (`machine`), the gates with their facts
//! (`gates`, `facts`), who may do what (`access`), and every change of a registration's life — creating,
//! submitting, the review's decisions and status moves, a new review round — with its audit event and
//! notifications in one transaction (`lifecycle`, `notices`). Only this module writes a registration's
//! status. Feature pages (`applications/`, `workflow/`, `api/`, ...) build on it; it imports none of them.

pub mod access;
pub mod approved;
pub mod beside;
pub mod checklist;
pub mod confirmation;
pub mod draft;
pub mod facts;
pub mod fields;
pub mod form;
pub mod gates;
pub mod labels;
pub mod leavers;
pub mod lifecycle;
pub mod machine;
pub mod notices;
pub mod options;
pub mod people;
pub mod pick;
pub mod queue;
pub mod rasci;
pub mod reminders;
pub mod requests;
pub mod richtext;
pub mod risk;
pub mod roles_needed;
pub mod search;
pub mod steps;
pub mod store;
pub mod suppliers;
