//! What the request templates show: a request in plain words, and the request form's options with the
//! user's input selected.

use time::OffsetDateTime;
use uuid::Uuid;

use crate::register::fields::DATA_CLASSES;
use crate::register::form::FormData;
use crate::register::requests::store::Request;
use crate::register::requests::{CITIZENS, USAGES, USER_COUNTS, data_class_example, label};
use crate::web::forms::OptView;
use crate::web::{format_date, format_datetime};

/// A data class as the request form offers it: the register's name and everyday examples.
pub struct ClassOpt {
    pub value: &'static str,
    pub label: &'static str,
    pub example: &'static str,
    pub checked: bool,
}

/// The request form's lists, with what the user chose selected.
pub struct FormOptions {
    pub classes: Vec<ClassOpt>,
    pub user_counts: Vec<OptView>,
    pub usages: Vec<OptView>,
    pub citizens: Vec<OptView>,
}

impl FormOptions {
    pub fn of(input: &FormData) -> Self {
        Self {
            classes: DATA_CLASSES
                .iter()
                .map(|c| ClassOpt {
                    value: c.value,
                    label: c.label,
                    example: data_class_example(c.value),
                    checked: input.has("data_classes", c.value),
                })
                .collect(),
            user_counts: input.choices("user_count", USER_COUNTS),
            usages: input.choices("usage", USAGES),
            citizens: input.choices("citizens", CITIZENS),
        }
    }
}

/// The form filled in with a saved request's answers.
pub fn input_of(r: &Request) -> FormData {
    let mut f = FormData::default();
    f.push("tool_name", r.tool_name.as_str());
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    f.push("purpose", opt(&r.purpose));
    for c in &r.data_classes {
        f.push("data_classes", c.as_str());
    }
    f.push("department", opt(&r.department));
    f.push("user_count", opt(&r.user_count));
    f.push("usage", opt(&r.usage));
    f.push("supplier", opt(&r.supplier));
    f.push("citizens", opt(&r.citizens));
    f
}

/// A request as its page and the lists show it.
pub struct RequestView {
    pub id: Uuid,
    pub tool_name: String,
    pub status: &'static str,
    pub status_label: &'static str,
    pub requester: String,
    pub purpose: String,
    pub classes: Vec<String>,
    pub department: String,
    pub user_count: String,
    pub usage: String,
    pub supplier: String,
    pub citizens: String,
    pub submitted: String,
    /// Days since submission (the queue's "wacht").
    pub waiting_days: i64,
    pub decided: String,
    pub decided_by: String,
    pub reason: String,
    pub application_id: Option<Uuid>,
    pub application_name: String,
    pub owner_name: String,
    pub created: String,
    pub version: i32,
    /// Whether the reader made the request: the texts say "uw aanvraag" to them only.
    pub own: bool,
}

impl RequestView {
    /// The request as `reader` sees it.
    pub fn of(r: &Request, reader: Uuid) -> Self {
        let own = r.requested_by == Some(reader);
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        let labelled =
            |options: &[(&str, &str)], v: &Option<String>| v.as_deref().map(|v| label(options, v)).unwrap_or_default();
        let when = |t: Option<OffsetDateTime>| t.map(format_datetime).unwrap_or_default();
        Self {
            id: r.id,
            tool_name: r.tool_name.clone(),
            status: r.status.as_str(),
            status_label: r.status.label_for(own),
            requester: r.requester.clone(),
            purpose: opt(&r.purpose),
            classes: r
                .data_classes
                .iter()
                .filter_map(|c| DATA_CLASSES.iter().find(|d| d.value == c).map(|d| d.label.to_string()))
                .collect(),
            department: opt(&r.department),
            user_count: labelled(USER_COUNTS, &r.user_count),
            usage: labelled(USAGES, &r.usage),
            supplier: opt(&r.supplier),
            citizens: labelled(CITIZENS, &r.citizens),
            submitted: when(r.submitted_at),
            waiting_days: r.submitted_at.map(|t| (OffsetDateTime::now_utc() - t).whole_days()).unwrap_or(0),
            decided: when(r.decided_at),
            decided_by: opt(&r.decided_by_name),
            reason: opt(&r.reason),
            application_id: r.application_id,
            application_name: opt(&r.application_name),
            owner_name: opt(&r.owner_name),
            created: format_date(crate::web::dutch_time(r.created_at).date()),
            version: r.version,
            own,
        }
    }
}
