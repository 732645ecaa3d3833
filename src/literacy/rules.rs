//! The pure rules of AI-literacy: when a completion counts, and how a person stands for a required training on
//! a given day. The queries (status.rs) feed these; the pages, the coverage figures and the API all use them, so
//! they agree.

use time::{Date, Duration, Month};

/// The training levels (issue 22): value and Dutch label.
pub const LEVELS: &[(&str, &str)] =
    &[("basis", "Basis"), ("gevorderd", "Gevorderd"), ("specialistisch", "Specialistisch")];

/// A training that expires within this many days is shown as "verloopt binnenkort".
pub const EXPIRY_WARNING_DAYS: i64 = 60;

/// [`EXPIRY_WARNING_DAYS`] as the SQL function `training_standing` takes it.
pub fn expiry_warning_days_sql() -> i32 {
    i32::try_from(EXPIRY_WARNING_DAYS).unwrap_or(i32::MAX)
}

/// The last day a completion counts: `months` after the day it was done (the day before the same day of
/// the month; month ends clamp, 31 January + 1 month = 28/29 February). None: it does not expire.
pub fn valid_until(completed_on: Date, months: Option<i32>) -> Option<Date> {
    let months = months?;
    let total = completed_on.year() * 12 + i32::from(u8::from(completed_on.month())) - 1 + months;
    let (year, month) = (total.div_euclid(12), Month::try_from((total.rem_euclid(12) + 1) as u8).ok()?);
    let day = completed_on.day().min(month.length(year));
    let same_day = Date::from_calendar_date(year, month, day).ok()?;
    Some(same_day - Duration::days(1))
}

/// How a person stands for one required training.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Done and confirmed, valid for more than the warning period.
    Valid,
    /// Done and valid, but it runs out within the warning period.
    Expiring,
    /// Done once, but no longer valid.
    Expired,
    /// Entered by the person, not yet confirmed by the administrator.
    Unconfirmed,
    /// Not done.
    Missing,
}

impl Standing {
    pub const ALL: [Standing; 5] =
        [Standing::Valid, Standing::Expiring, Standing::Expired, Standing::Unconfirmed, Standing::Missing];

    pub fn as_str(self) -> &'static str {
        match self {
            Standing::Valid => "geldig",
            Standing::Expiring => "verloopt_binnenkort",
            Standing::Expired => "verlopen",
            Standing::Unconfirmed => "wacht_op_bevestiging",
            Standing::Missing => "ontbreekt",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Standing::Valid => "Gevolgd en geldig",
            Standing::Expiring => "Verloopt binnenkort",
            Standing::Expired => "Verlopen",
            Standing::Unconfirmed => "Wacht op bevestiging",
            Standing::Missing => "Nog niet gevolgd",
        }
    }

    pub fn parse(s: &str) -> Option<Standing> {
        Standing::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Counts as having the training (the tool may be used as far as literacy goes).
    pub fn has_it(self) -> bool {
        matches!(self, Standing::Valid | Standing::Expiring)
    }
}

/// The standing on `today`, given the latest confirmed completion (if any), the training's validity and
/// whether an unconfirmed entry of the person waits.
pub fn standing(latest_confirmed: Option<Date>, validity_months: Option<i32>, waiting: bool, today: Date) -> Standing {
    match latest_confirmed {
        Some(done) => match valid_until(done, validity_months) {
            Some(until) if until < today => {
                if waiting {
                    Standing::Unconfirmed
                } else {
                    Standing::Expired
                }
            }
            Some(until) if (until - today).whole_days() < EXPIRY_WARNING_DAYS => Standing::Expiring,
            _ => Standing::Valid,
        },
        None if waiting => Standing::Unconfirmed,
        None => Standing::Missing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn validity_runs_whole_months_and_clamps_month_ends() {
        assert_eq!(valid_until(date!(2025 - 03 - 15), Some(12)), Some(date!(2026 - 03 - 14)));
        assert_eq!(valid_until(date!(2025 - 01 - 31), Some(1)), Some(date!(2025 - 02 - 27)));
        assert_eq!(valid_until(date!(2024 - 01 - 31), Some(1)), Some(date!(2024 - 02 - 28)));
        assert_eq!(valid_until(date!(2025 - 11 - 01), Some(3)), Some(date!(2026 - 01 - 31)));
        assert_eq!(valid_until(date!(2025 - 11 - 01), None), None);
    }

    #[test]
    fn standing_on_a_day() {
        let today = date!(2026 - 06 - 01);
        assert_eq!(standing(None, Some(12), false, today), Standing::Missing);
        assert_eq!(standing(None, Some(12), true, today), Standing::Unconfirmed);
        assert_eq!(standing(Some(date!(2026 - 01 - 10)), Some(12), false, today), Standing::Valid);
        assert_eq!(standing(Some(date!(2025 - 07 - 10)), Some(12), false, today), Standing::Expiring);
        // The last valid day still counts; the day after it does not.
        assert_eq!(standing(Some(date!(2025 - 06 - 02)), Some(12), false, today), Standing::Expiring);
        assert_eq!(standing(Some(date!(2025 - 06 - 01)), Some(12), false, today), Standing::Expired);
        assert_eq!(standing(Some(date!(2025 - 06 - 01)), Some(12), true, today), Standing::Unconfirmed);
        assert_eq!(standing(Some(date!(2001 - 01 - 01)), None, false, today), Standing::Valid);
        assert!(Standing::Expiring.has_it() && !Standing::Expired.has_it() && !Standing::Unconfirmed.has_it());
        for s in Standing::ALL {
            assert_eq!(Standing::parse(s.as_str()), Some(s));
        }
    }
}
