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
mod stdlib;
mod words;

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
    /// Its position in the popular list, 1-based; `None` for a standard-library or built-in
    /// module.
    pub target_rank: Option<usize>,
    /// For a module: the library it belongs to ("Python standard library").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub library: Option<&'static str>,
    /// How the name imitates it.
    pub check: Check,
}

impl Squat {
    /// The target as messages name it: "`django` (rank 530)", "`smtplib` (Python standard
    /// library)".
    pub fn target_label(&self) -> String {
        match (self.target_rank, self.library) {
            (Some(rank), _) => format!("`{}` (rank {rank})", self.target),
            (None, Some(library)) => format!("`{}` ({library})", self.target),
            (None, None) => format!("`{}`", self.target),
        }
    }
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

/// What `name` imitates: for an unlisted name that is a module's own name, that module (or
/// the popular package next to it); else the popular name it imitates, else the module. A
/// listed name is popular in its own right and never taken for a module's imitation
/// (unless `rank_blind`).
fn squat(name: &str, eco: Ecosystem, rank_blind: bool) -> Option<Squat> {
    let popular = index(eco)?;
    let unlisted = rank_blind || !popular.is_listed(name);
    let modules = stdlib::index(eco).filter(|_| unlisted);
    if modules.is_some_and(|m| m.is_listed(name)) {
        return module_name_squat(name, eco);
    }
    if let Some(hit) = popular.check(name, rank_blind) {
        return Some(Squat {
            target: hit.target.to_string(),
            target_rank: Some(hit.rank),
            library: None,
            check: hit.check,
        });
    }
    let hit = modules?
        .check(name, false)
        .filter(|hit| stdlib::counts_for_modules(hit.check))?;
    Some(Squat {
        target: hit.target.to_string(),
        target_rank: None,
        library: stdlib::library_name(eco),
        check: hit.check,
    })
}

/// A module's own name registered as a package: it imitates the popular package that adds a
/// version or an affix to it (`urllib` for `urllib3`), else the module itself, when the
/// name is long enough for the `stdlib-name` check.
fn module_name_squat(name: &str, eco: Ecosystem) -> Option<Squat> {
    let forms = forms::Forms::new(name, eco);
    let relation = checks::Relation::new(Check::StdlibName, forms.bare_len());
    if !policy::counts(relation, None, 1, false) {
        return None;
    }
    let squat = match index(eco).and_then(|i| i.extended_by(name)) {
        Some((target, rank)) => Squat {
            target: target.to_string(),
            target_rank: Some(rank),
            library: None,
            check: Check::StdlibName,
        },
        None => Squat {
            target: forms.canonical,
            target_rank: None,
            library: stdlib::library_name(eco),
            check: Check::StdlibName,
        },
    };
    Some(squat)
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
