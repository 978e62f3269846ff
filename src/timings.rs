//! Where a run's time goes, stage by stage, for `build --timings` and `serve --timings`.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

/// The time each stage took, in the order they ran.
#[derive(Debug, Clone)]
pub(crate) struct Laps {
    last: Instant,
    laps: Vec<(&'static str, Duration)>,
}

impl Laps {
    /// Starts the clock for the first stage.
    pub(crate) fn start() -> Laps {
        Laps {
            last: Instant::now(),
            laps: Vec::new(),
        }
    }

    /// Charges the time since the last lap to `stage`. A stage named twice adds up.
    pub(crate) fn lap(&mut self, stage: &'static str) {
        let now = Instant::now();
        let took = now - self.last;
        self.last = now;
        match self.laps.iter_mut().find(|(name, _)| *name == stage) {
            Some((_, total)) => *total += took,
            None => self.laps.push((stage, took)),
        }
    }

    /// Adds the laps of a run that started when this one's last lap ended, and goes on from
    /// where that run stopped.
    pub(crate) fn append(&mut self, other: Laps) {
        self.laps.extend(other.laps);
        self.last = other.last;
    }

    pub(crate) fn total(&self) -> Duration {
        self.laps.iter().map(|(_, took)| *took).sum()
    }

    /// One line per stage with its milliseconds and share of the total, then the total.
    pub(crate) fn table(&self) -> String {
        let total = self.total().as_secs_f64().max(f64::EPSILON);
        let width = self
            .laps
            .iter()
            .map(|(name, _)| name.len())
            .max()
            .unwrap_or(0);
        let mut out = String::new();
        for (name, took) in &self.laps {
            let ms = took.as_secs_f64() * 1000.0;
            let share = took.as_secs_f64() / total * 100.0;
            let _ = writeln!(out, "  {name:<width$}  {ms:>9.1} ms  {share:>3.0}%");
        }
        let _ = writeln!(out, "  {:<width$}  {:>9.1} ms", "total", total * 1000.0);
        out
    }

    /// The stages on one line, slowest first, leaving out those under a millisecond.
    pub(crate) fn line(&self) -> String {
        let mut laps: Vec<_> = self
            .laps
            .iter()
            .filter(|(_, took)| *took >= Duration::from_millis(1))
            .collect();
        laps.sort_by_key(|lap| std::cmp::Reverse(lap.1));
        let parts: Vec<String> = laps
            .iter()
            .map(|(name, took)| format!("{name} {} ms", took.as_millis()))
            .collect();
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn laps(of: &[(&'static str, u64)]) -> Laps {
        Laps {
            last: Instant::now(),
            laps: of
                .iter()
                .map(|(name, ms)| (*name, Duration::from_millis(*ms)))
                .collect(),
        }
    }

    #[test]
    fn a_stage_named_twice_adds_up() {
        let mut laps = Laps::start();
        laps.lap("read");
        std::thread::sleep(Duration::from_millis(2));
        laps.lap("render");
        laps.lap("read");
        assert_eq!(laps.laps.len(), 2);
        assert!(laps.laps[1].1 >= Duration::from_millis(2));
        assert_eq!(laps.total(), laps.laps[0].1 + laps.laps[1].1);
    }

    #[test]
    fn the_table_gives_each_stage_its_share() {
        let table = laps(&[("read", 30), ("render", 70)]).table();
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 3, "{table}");
        assert!(lines[0].starts_with("  read  ") && lines[0].ends_with(" 30%"));
        assert!(lines[1].contains("70.0 ms") && lines[1].ends_with(" 70%"));
        assert!(lines[2].contains("total") && lines[2].contains("100.0 ms"));
    }

    #[test]
    fn the_line_puts_the_slowest_first_and_skips_the_tiny() {
        let line = laps(&[("read", 3), ("views", 0), ("render", 12)]).line();
        assert_eq!(line, "render 12 ms, read 3 ms");
    }
}
