//! The overview's figures as counted from the index (`overview.rs` counts them; the
//! overview page says them in words and charts).

use time::Date;

/// One count, by what it counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tally<K> {
    pub key: K,
    pub count: u64,
}

/// One week's count: the seven days ending on `last` (UTC), inclusive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Week {
    pub last: Date,
    pub count: u64,
}

/// How the whole population stands, over the profiles not gone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figures {
    pub profiles: u64,
    /// By relationship (2026-03-24) or access type (GA), as the index keeps it.
    pub by_kind: Vec<Tally<String>>,
    /// By program (GA, as known) or trust grant (2026-03-24), and its status.
    pub by_program: Vec<Tally<(String, String)>>,
    /// By enforcement status (GA); `None`: a profile whose reads carried none.
    pub by_enforcement: Vec<Tally<Option<String>>>,
    /// Profiles with an open action of each reason (GA).
    pub by_reason: Vec<Tally<String>>,
    /// Profiles created per week, oldest week first.
    pub created: Vec<Week>,
    /// Status changes observed per week, oldest week first.
    pub changes: Vec<Week>,
    /// The metadata keys most profiles hold, most used first.
    pub top_keys: Vec<Tally<String>>,
    /// When they were counted (a database stamp).
    pub counted_at: String,
}

/// The last day of each of `weeks` weeks of seven days, oldest first, the last ending
/// on `today`.
pub fn week_ends(today: Date, weeks: u32) -> Vec<Date> {
    (0..weeks)
        .rev()
        .filter_map(|back| today.checked_sub(time::Duration::days(7 * i64::from(back))))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::Month;

    #[test]
    fn weeks_end_seven_days_apart_on_today() {
        let today = Date::from_calendar_date(2026, Month::March, 3).unwrap();
        let ends = week_ends(today, 3);
        assert_eq!(
            ends.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
            ["2026-02-17", "2026-02-24", "2026-03-03"]
        );
        assert!(week_ends(today, 0).is_empty());
    }
}
