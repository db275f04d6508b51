//! The standard-library and built-in module names of Python and Node
//! (`rules/data/stdlib/`): a package registered under one of them, or one edit away from one,
//! imitates what every program already imports. RubyGems has no such list: Ruby's default
//! gems are gems themselves, on the popular list.

use std::sync::OnceLock;

use super::checks::Check;
use super::index::Index;
use crate::ecosystem::Ecosystem;

const PYTHON: &str = include_str!("../../rules/data/stdlib/python.txt");
const NODE: &str = include_str!("../../rules/data/stdlib/node.txt");

/// How the modules of `eco` are named in messages; `None` for an ecosystem without a list.
pub(crate) fn library_name(eco: Ecosystem) -> Option<&'static str> {
    match eco {
        Ecosystem::Pypi => Some("Python standard library"),
        Ecosystem::Npm => Some("Node.js built-in module"),
        Ecosystem::Rubygems | Ecosystem::Unknown => None,
    }
}

/// The index of `eco`'s module names (unranked: every module counts as very popular), built
/// on first use.
pub(crate) fn index(eco: Ecosystem) -> Option<&'static Index> {
    static PYPI: OnceLock<Index> = OnceLock::new();
    static NPM: OnceLock<Index> = OnceLock::new();
    let (cell, text) = match eco {
        Ecosystem::Pypi => (&PYPI, PYTHON),
        Ecosystem::Npm => (&NPM, NODE),
        Ecosystem::Rubygems | Ecosystem::Unknown => return None,
    };
    Some(cell.get_or_init(|| {
        let names = text
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .collect();
        Index::of_names(eco, names, false)
    }))
}

/// Whether a check relates a name to a module: the slips of one letter and the look-alikes.
/// Adding a word, a letter, an affix or a second edit to a module name is how ordinary
/// packages are named (`secure-smtplib`, `xarray`, `pyreadline`, `fonttools`).
pub(crate) fn counts_for_modules(check: Check) -> bool {
    matches!(
        check,
        Check::Separator
            | Check::Homoglyph
            | Check::AdjacentSwap
            | Check::KeyboardNeighbour
            | Check::DoubledLetter
            | Check::DroppedLetter
            | Check::OneEdit
    )
}
