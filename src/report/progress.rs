//! The progress line on stderr during a long scan: packages done of total, rate, flagged
//! so far. Drawn only when stderr is a terminal (never into a CI log or a pipe), at most
//! ten times a second, and erased when the scan ends.

use crate::scan::PackageReport;
use crate::verdict::Verdict;
use std::io::Write;
use std::time::{Duration, Instant};

/// Redraws no more often than this.
const EVERY: Duration = Duration::from_millis(100);

pub struct Progress {
    enabled: bool,
    total: usize,
    done: usize,
    flagged: usize,
    start: Instant,
    drawn: Option<Instant>,
}

impl Progress {
    /// A progress line, drawn only when `enabled`.
    pub fn new(enabled: bool) -> Progress {
        Progress {
            enabled,
            total: 0,
            done: 0,
            flagged: 0,
            start: Instant::now(),
            drawn: None,
        }
    }

    /// The scan found `total` packages.
    pub fn start(&mut self, total: usize) {
        self.total = total;
        self.draw(true);
    }

    /// One package is done.
    pub fn package(&mut self, p: &PackageReport) {
        self.done += 1;
        if matches!(p.verdict, Verdict::Malicious | Verdict::Suspicious) {
            self.flagged += 1;
        }
        self.draw(false);
    }

    fn draw(&mut self, force: bool) {
        if !self.enabled || (!force && self.drawn.is_some_and(|t| t.elapsed() < EVERY)) {
            return;
        }
        self.drawn = Some(Instant::now());
        let secs = self.start.elapsed().as_secs_f64();
        let rate = if secs > 0.0 {
            self.done as f64 / secs
        } else {
            0.0
        };
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r\x1b[2Kscanning: {}/{} packages, {rate:.1}/s, {} flagged, {secs:.0}s",
            self.done, self.total, self.flagged
        );
        let _ = err.flush();
    }

    /// Erases the line before the report is printed.
    pub fn finish(&mut self) {
        if self.enabled && self.drawn.is_some() {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
        }
    }
}
