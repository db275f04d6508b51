//! Where a package's scan spends its time, by stage, for `scan --timings` and the
//! benchmark (`scripts/bench`). Parsing and fact extraction happen deep inside the
//! language frontends, on whichever worker thread analyses the file, so they are summed
//! in per-thread counters ([`time`]) and collected by the file's worker ([`take`]).

use serde::Serialize;
use std::cell::Cell;
use std::time::{Duration, Instant};

/// The stages timed inside the frontends.
#[derive(Debug, Clone, Copy)]
pub enum Stage {
    /// Syntax trees and their lowering to the IR, token passes included.
    Parse,
    /// Resolution, folding and data flow over the IR.
    Facts,
}

thread_local! {
    static SPENT: Cell<(Duration, Duration)> = const { Cell::new((Duration::ZERO, Duration::ZERO)) };
}

/// Runs `f`, adding its wall time to this thread's counter for `stage`.
pub fn time<T>(stage: Stage, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    let spent = start.elapsed();
    SPENT.with(|s| {
        let (parse, facts) = s.get();
        s.set(match stage {
            Stage::Parse => (parse + spent, facts),
            Stage::Facts => (parse, facts + spent),
        });
    });
    out
}

/// This thread's (parse, facts) time since the last call, and resets it. A nested
/// timed stage (facts of code revealed inside a string, parsed from inside the facts
/// pass) is counted in both; the share is what matters.
pub fn take() -> (Duration, Duration) {
    SPENT.with(|s| s.replace((Duration::ZERO, Duration::ZERO)))
}

/// Seconds per stage of one package's scan. Stages of files analysed in parallel are
/// summed, so `parse + facts` can exceed `total` on a multi-core run.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Timings {
    pub total: f64,
    /// Reading and decompressing the archive.
    pub read: f64,
    pub parse: f64,
    pub facts: f64,
    /// Spreading phases through imports and install-time calls.
    pub propagate: f64,
    /// Detectors, chains and the verdict.
    pub detect: f64,
}
