//! The bundled popular-name lists (`rules/data/popular/`), compiled into the binary.

use crate::ecosystem::Ecosystem;

const PYPI: &str = include_str!("../../rules/data/popular/pypi.txt");
const NPM: &str = include_str!("../../rules/data/popular/npm.txt");
const RUBYGEMS: &str = include_str!("../../rules/data/popular/rubygems.txt");

/// One ecosystem's popular names, in list order (rank 1 first).
pub(crate) struct PopularList {
    pub names: Vec<&'static str>,
    /// Whether the order is a popularity order. The RubyGems source list is not (it ends with
    /// `rails`), so there no listed gem counts as more popular than another.
    pub ranked: bool,
}

/// The list for `eco`; `None` for an ecosystem without one.
pub(crate) fn popular_list(eco: Ecosystem) -> Option<PopularList> {
    let (text, ranked) = match eco {
        Ecosystem::Pypi => (PYPI, true),
        Ecosystem::Npm => (NPM, true),
        Ecosystem::Rubygems => (RUBYGEMS, false),
        Ecosystem::Unknown => return None,
    };
    let names = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect();
    Some(PopularList { names, ranked })
}
