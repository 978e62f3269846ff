//! Which docs a run publishes. Drafts, pages dated later than now and pages whose `expires`
//! date has passed are left out, unless `--drafts` (drafts and expired pages) or `--future`
//! (pages dated later) asks for them. What was left out, and why, stays with the model so
//! `check` can list it, with the next moment the answer changes, so that neither `build`'s
//! "no input changed" nor serve's memo outlives it.

use std::path::PathBuf;

use jiff::Timestamp;

/// What a run publishes, and when it runs.
#[derive(Debug, Clone)]
pub(crate) struct Publish {
    pub(crate) drafts: bool,
    pub(crate) future: bool,
    pub(crate) now: Timestamp,
}

/// Why a doc is left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Why {
    Draft,
    /// Dated later than now: the date as written.
    Scheduled(String),
    /// Its `expires` date has passed: that date as written.
    Expired(String),
}

/// A content file the run left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LeftOut {
    pub(crate) shown: PathBuf,
    pub(crate) why: Why,
}

/// What the publishing rules left out of a model, and until when that holds.
#[derive(Debug, Clone, Default)]
pub(crate) struct Publishing {
    pub(crate) left_out: Vec<LeftOut>,
    /// The first moment after now at which a page comes due or expires.
    pub(crate) until: Option<Timestamp>,
}

impl Publish {
    /// The rules for a run starting now.
    pub(crate) fn now(drafts: bool, future: bool) -> Publish {
        Publish {
            drafts,
            future,
            now: Timestamp::now(),
        }
    }

    /// Why a doc with these keys is left out, if it is. Dates are the checked ISO text of
    /// the front matter (a date alone is midnight UTC).
    pub(crate) fn withholds(
        &self,
        draft: bool,
        date: Option<&str>,
        expires: Option<&str>,
    ) -> Option<Why> {
        if draft && !self.drafts {
            return Some(Why::Draft);
        }
        if let Some(date) = date.filter(|d| !self.future && self.later(d)) {
            return Some(Why::Scheduled(date.to_string()));
        }
        match expires {
            Some(end) if !self.drafts && !self.later(end) => Some(Why::Expired(end.to_string())),
            _ => None,
        }
    }

    /// The first moment after now at which one of these dates (a page's date, or its end)
    /// changes what is published.
    pub(crate) fn next_change<'a>(
        &self,
        dates: impl Iterator<Item = &'a str>,
    ) -> Option<Timestamp> {
        dates.filter_map(instant).filter(|at| *at > self.now).min()
    }

    /// Whether a model made under `was` is still right under these rules.
    pub(crate) fn same_as(&self, was: &Publish, until: Option<Timestamp>) -> bool {
        self.drafts == was.drafts
            && self.future == was.future
            && until.is_none_or(|until| self.now < until)
    }

    fn later(&self, date: &str) -> bool {
        instant(date).is_some_and(|at| at > self.now)
    }
}

/// A checked front-matter date as a moment: a date alone is midnight UTC, a date and time
/// without an offset is taken as UTC.
pub(crate) fn instant(date: &str) -> Option<Timestamp> {
    if let Ok(at) = date.parse::<Timestamp>() {
        return Some(at);
    }
    let civil = match date.parse::<jiff::civil::DateTime>() {
        Ok(local) => local,
        Err(_) => date
            .parse::<jiff::civil::Date>()
            .ok()?
            .to_datetime(jiff::civil::Time::midnight()),
    };
    civil
        .to_zoned(jiff::tz::TimeZone::UTC)
        .ok()
        .map(|z| z.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(now: &str, drafts: bool, future: bool) -> Publish {
        Publish {
            drafts,
            future,
            now: instant(now).unwrap(),
        }
    }

    #[test]
    fn future_and_expired_pages_are_left_out_unless_asked_for() {
        let p = at("2026-12-02T07:00:00Z", false, false);
        assert_eq!(p.withholds(false, Some("2026-12-02"), None), None, "today");
        assert_eq!(
            p.withholds(false, Some("2026-12-02T08:00:00"), None),
            Some(Why::Scheduled("2026-12-02T08:00:00".into())),
            "later today"
        );
        assert_eq!(
            p.withholds(false, None, Some("2026-12-01")),
            Some(Why::Expired("2026-12-01".into()))
        );
        assert_eq!(p.withholds(false, None, Some("2027-01-01")), None);
        assert_eq!(p.withholds(true, None, None), Some(Why::Draft));
        let asked = at("2026-12-02T07:00:00Z", true, true);
        assert_eq!(
            asked.withholds(true, Some("2099-01-01"), Some("2000-01-01")),
            None
        );
    }

    #[test]
    fn the_next_change_is_the_first_date_after_now() {
        let p = at("2026-12-02T07:00:00Z", false, false);
        let dates = ["2020-01-01", "2027-03-01", "2026-12-02T09:30:00+01:00"];
        assert_eq!(
            p.next_change(dates.into_iter()),
            instant("2026-12-02T08:30:00Z")
        );
        assert!(p.same_as(&p, instant("2026-12-02T08:30:00Z")));
        let later = at("2026-12-02T09:00:00Z", false, false);
        assert!(!later.same_as(&p, instant("2026-12-02T08:30:00Z")));
        assert!(!at("2026-12-02T07:00:00Z", false, true).same_as(&p, None));
    }
}
