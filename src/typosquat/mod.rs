//! Typosquatting: does a package name imitate a much more popular one?
//!
//! Names are compared with the bundled popular lists of their ecosystem
//! (`rules/data/popular/`), in the registry's canonical form. Each hit names the check that
//! explains it; `rules/typosquat/typosquat-name.md` documents the checks and thresholds.

mod canonical;
mod checks;
pub mod cli;
mod dependency_files;
mod forms;
mod homoglyph;
mod index;
mod keyboard;
mod policy;
mod popular;

use std::sync::OnceLock;

use serde::Serialize;

pub use canonical::canonical;
pub use checks::Check;

use crate::ecosystem::Ecosystem;
use index::Index;

/// A name that imitates a popular package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Squat {
    /// The imitated package, spelled as in the popular list.
    pub target: String,
    /// Its position in the popular list, 1-based.
    pub target_rank: usize,
    /// How the name imitates it.
    pub check: Check,
}

/// The popular package that `name` imitates, if any; `None` for a name that imitates nothing,
/// for a popular name itself, and for `Ecosystem::Unknown`.
///
/// The first call per ecosystem builds that ecosystem's index (a few milliseconds).
pub fn check_name(name: &str, eco: Ecosystem) -> Option<Squat> {
    squat(name, eco, false)
}

/// Whether `name` is on `eco`'s popular list itself. A popular package is what others
/// imitate, so a dependency on it is never taken for a squat.
pub fn is_popular(name: &str, eco: Ecosystem) -> bool {
    index(eco).is_some_and(|index| index.is_listed(name))
}

/// Like [`check_name`], but a popular name is judged as if it were not popular itself (still
/// only against the names ranked above it). Run over a popular list, this measures how often
/// the checks flag legitimate names that the list does not protect.
pub fn check_name_rank_blind(name: &str, eco: Ecosystem) -> Option<Squat> {
    squat(name, eco, true)
}

fn squat(name: &str, eco: Ecosystem, rank_blind: bool) -> Option<Squat> {
    let hit = index(eco)?.check(name, rank_blind)?;
    Some(Squat {
        target: hit.target.to_string(),
        target_rank: hit.rank,
        check: hit.check,
    })
}

/// The index of `eco`, built on first use.
fn index(eco: Ecosystem) -> Option<&'static Index> {
    static PYPI: OnceLock<Option<Index>> = OnceLock::new();
    static NPM: OnceLock<Option<Index>> = OnceLock::new();
    static RUBYGEMS: OnceLock<Option<Index>> = OnceLock::new();
    let cell = match eco {
        Ecosystem::Pypi => &PYPI,
        Ecosystem::Npm => &NPM,
        Ecosystem::Rubygems => &RUBYGEMS,
        Ecosystem::Unknown => return None,
    };
    cell.get_or_init(|| Index::build(eco)).as_ref()
}
