//! Times the typosquatting check: building each ecosystem's index, then checking every name of
//! its popular list against the list itself (each name against the names ranked above it).
//!
//! Run with `cargo run --release --example typosquat_bench`.

use std::time::{Duration, Instant};

use pkgwarden::ecosystem::Ecosystem;
use pkgwarden::typosquat::check_name;

/// Passes over each list; the fastest is reported, as the least disturbed by other work.
const PASSES: usize = 5;

fn listed_names(eco: Ecosystem) -> Vec<&'static str> {
    let text = match eco {
        Ecosystem::Pypi => include_str!("../rules/data/popular/pypi.txt"),
        Ecosystem::Npm => include_str!("../rules/data/popular/npm.txt"),
        _ => include_str!("../rules/data/popular/rubygems.txt"),
    };
    text.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

fn main() {
    println!(
        "{:<10} {:>7} {:>12} {:>14} {:>12} {:>8}",
        "list", "names", "index build", "check all", "per name", "flagged"
    );
    for eco in [Ecosystem::Pypi, Ecosystem::Npm, Ecosystem::Rubygems] {
        let names = listed_names(eco);
        let start = Instant::now();
        check_name("", eco);
        let build = start.elapsed();
        let mut best = Duration::MAX;
        let mut flagged = 0;
        for _ in 0..PASSES {
            let start = Instant::now();
            flagged = names
                .iter()
                .filter(|n| check_name(n, eco).is_some())
                .count();
            best = best.min(start.elapsed());
        }
        println!(
            "{:<10} {:>7} {:>9.1} ms {:>11.1} ms {:>9.2} µs {:>8}",
            eco.as_str(),
            names.len(),
            build.as_secs_f64() * 1e3,
            best.as_secs_f64() * 1e3,
            best.as_secs_f64() * 1e6 / names.len() as f64,
            flagged
        );
    }
}
