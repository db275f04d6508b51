//! The checks: how a candidate name can imitate a popular one, and which one explains a pair.

use serde::{Serialize, Serializer};

use super::canonical::{split_scope, squash, words};
use super::forms::Forms;
use super::homoglyph::{is_look_alike_pair, skeleton};
use super::keyboard::are_neighbours;
use crate::ecosystem::Ecosystem;

/// Why a name was taken for an imitation; serialised as its kebab-case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Check {
    /// npm: a look-alike scope on the same name (`@typescript_eslint/parser`), or a scoped name
    /// published without its scope: its name part when that has two words or more
    /// (`core-tracing` for `@azure/core-tracing`), or scope and name run together (`babel-core`).
    ScopeConfusion,
    /// The same separators-free spelling with other separators (`pythondateutil`, `crossenv`).
    Separator,
    /// Look-alike characters: `rn`/`m`, `l`/`1`/`I`, `0`/`o`, Cyrillic or Greek letters.
    Homoglyph,
    /// The same words in another order (`dateutil-python`).
    ReorderedWords,
    /// A version or digits added, changed or dropped at the end (`requests2`).
    VersionSuffix,
    /// Two neighbouring letters swapped (`djnago`).
    AdjacentSwap,
    /// One letter replaced by a key next to it on a QWERTY keyboard (`requezts`).
    KeyboardNeighbour,
    /// A letter typed twice (`requestts`).
    DoubledLetter,
    /// One of a doubled letter left out (`urlib3`).
    DroppedLetter,
    /// Any other single insertion, deletion or substitution (`djago`).
    OneEdit,
    /// An ecosystem word added, removed or swapped: `py`, `python`, `node`, `js`, `ruby`…
    Affix,
}

impl Check {
    /// The check's name as shown to users.
    pub fn name(&self) -> &'static str {
        match self {
            Check::ScopeConfusion => "scope-confusion",
            Check::Separator => "separator",
            Check::Homoglyph => "homoglyph",
            Check::ReorderedWords => "reordered-words",
            Check::VersionSuffix => "version-suffix",
            Check::AdjacentSwap => "adjacent-swap",
            Check::KeyboardNeighbour => "keyboard-neighbour",
            Check::DoubledLetter => "doubled-letter",
            Check::DroppedLetter => "dropped-letter",
            Check::OneEdit => "one-edit",
            Check::Affix => "affix",
        }
    }
}

impl Serialize for Check {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl std::fmt::Display for Check {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// npm's DefinitelyTyped scope: `@types/x` holds the types of the unscoped `x`, so an unscoped
/// name is the original of its `@types` copy, never an imitation of it.
const TYPES_SCOPE: &str = "types";

/// How a candidate relates to a target: the check, and the length of the part of the target
/// that it changed (the edited word, the shared core, or the whole name), which the length
/// thresholds are measured on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Relation {
    pub check: Check,
    pub span: usize,
}

/// The check that explains how `candidate` imitates `target`, the most specific first; `None`
/// when no check relates them. The two names must differ in canonical form.
pub(crate) fn classify(candidate: &Forms, target: &Forms, eco: Ecosystem) -> Option<Relation> {
    let whole = |check| {
        Some(Relation {
            check,
            span: target.bare_len(),
        })
    };
    if eco == Ecosystem::Npm && same_scope(candidate, target) {
        return None;
    }
    if eco == Ecosystem::Npm && is_scope_confusion(candidate, target) {
        return whole(Check::ScopeConfusion);
    }
    if candidate.squashed == target.squashed {
        return whole(Check::Separator);
    }
    if candidate.skeleton == target.skeleton {
        return whole(Check::Homoglyph);
    }
    if candidate.word_set().is_some() && candidate.word_set() == target.word_set() {
        return whole(Check::ReorderedWords);
    }
    if candidate.version_core().as_deref() == Some(target.squashed.as_str()) {
        return whole(Check::VersionSuffix);
    }
    if let Some((check, at)) = one_edit(&candidate.chars, &target.chars) {
        let span = target.word_len_at(at);
        return Some(Relation { check, span });
    }
    let span = affix_core_len(candidate, target, eco)?;
    Some(Relation {
        check: Check::Affix,
        span,
    })
}

/// Whether both names are in the same npm scope (`@octokit/oauth-app`, `@octokit/auth-app`).
/// Only a scope's owner can publish in it, so a name there never imitates its neighbours:
/// whoever published one published the other.
fn same_scope(candidate: &Forms, target: &Forms) -> bool {
    let scope = |f: &Forms| split_scope(&f.canonical).map(|(scope, _)| scope.to_string());
    scope(candidate).is_some_and(|s| scope(target) == Some(s))
}

fn is_scope_confusion(candidate: &Forms, target: &Forms) -> bool {
    let Some((target_scope, target_name)) = split_scope(&target.canonical) else {
        return false;
    };
    match split_scope(&candidate.canonical) {
        Some((scope, name)) => name == target_name && scopes_look_alike(scope, target_scope),
        None => {
            let copies_name = candidate.canonical == target_name && words(target_name).len() >= 2;
            target_scope != TYPES_SCOPE
                && (copies_name
                    || candidate.squashed == squash(target_scope) + &squash(target_name))
        }
    }
}

fn scopes_look_alike(a: &str, b: &str) -> bool {
    let a_chars: Vec<char> = squash(a).chars().collect();
    let b_chars: Vec<char> = squash(b).chars().collect();
    a != b
        && (a_chars == b_chars
            || skeleton(a, Ecosystem::Npm) == skeleton(b, Ecosystem::Npm)
            || one_edit(&a_chars, &b_chars).is_some())
}

/// The length of the popular core when the candidate adds an ecosystem affix to the target
/// (`pyrequests`, `requests-python`) or swaps the target's affix for another (`py-dateutil`
/// for `python-dateutil`). Dropping an affix (`dateutil`) does not count: the bare word is
/// usually a project of its own.
fn affix_core_len(candidate: &Forms, target: &Forms, eco: Ecosystem) -> Option<usize> {
    let c_cores = candidate.affix_cores(eco);
    if c_cores.contains(&target.squashed.as_str()) {
        return Some(target.chars.len());
    }
    let t_cores = target.affix_cores(eco);
    let shared = c_cores.iter().find(|core| t_cores.contains(core))?;
    Some(shared.chars().count())
}

/// Names one edit apart: the kind of edit that turns `target` into `candidate` and the index in
/// `target` where it happens; `None` unless they are exactly one insertion, deletion,
/// substitution or adjacent swap apart.
///
/// Apart from look-alikes and swaps, two kinds of edit do not count, because real packages are
/// named that way far more often than squats are: a change to the first character (`authlib`
/// and `oauthlib`, `psutil` and `gsutil`; people rarely mistype the start of a name), and a
/// change that involves a digit (`cu11` and `cu12`, `psycopg2`; added versions are the
/// version-suffix check).
pub(crate) fn one_edit(candidate: &[char], target: &[char]) -> Option<(Check, usize)> {
    let p = candidate
        .iter()
        .zip(target)
        .take_while(|(a, b)| a == b)
        .count();
    let (c, t) = (candidate, target);
    let (check, changed): (Check, &[char]) = if c.len() == t.len() {
        if p == c.len() {
            return None;
        }
        if c[p + 1..] == t[p + 1..] {
            let check = if is_look_alike_pair(c[p], t[p]) {
                Check::Homoglyph
            } else if are_neighbours(c[p], t[p]) {
                Check::KeyboardNeighbour
            } else {
                Check::OneEdit
            };
            (check, &[c[p], t[p]])
        } else if p + 1 < c.len()
            && c[p] == t[p + 1]
            && c[p + 1] == t[p]
            && c[p + 2..] == t[p + 2..]
        {
            (Check::AdjacentSwap, &c[p..p + 2])
        } else {
            return None;
        }
    } else if c.len() == t.len() + 1 && c[p + 1..] == t[p..] {
        let doubled = (p > 0 && c[p - 1] == c[p]) || c.get(p + 1) == Some(&c[p]);
        let check = if doubled {
            Check::DoubledLetter
        } else {
            Check::OneEdit
        };
        (check, &c[p..=p])
    } else if c.len() + 1 == t.len() && c[p..] == t[p + 1..] {
        let dropped = (p > 0 && t[p - 1] == t[p]) || t.get(p + 1) == Some(&t[p]);
        let check = if dropped {
            Check::DroppedLetter
        } else {
            Check::OneEdit
        };
        (check, &t[p..=p])
    } else {
        return None;
    };
    let strong = matches!(check, Check::Homoglyph | Check::AdjacentSwap);
    let digit = changed.iter().any(char::is_ascii_digit);
    (strong || (p > 0 && !digit)).then_some((check, p))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(candidate: &str, target: &str) -> Option<Check> {
        let chars = |s: &str| s.chars().collect::<Vec<_>>();
        one_edit(&chars(candidate), &chars(target)).map(|(check, _)| check)
    }

    #[test]
    fn one_edit_kinds() {
        assert_eq!(edit("djnago", "django"), Some(Check::AdjacentSwap));
        assert_eq!(edit("djanog", "django"), Some(Check::AdjacentSwap));
        assert_eq!(edit("djanga", "django"), Some(Check::OneEdit));
        assert_eq!(edit("djangp", "django"), Some(Check::KeyboardNeighbour));
        assert_eq!(edit("dkango", "django"), Some(Check::KeyboardNeighbour));
        assert_eq!(edit("fjango", "django"), None);
        assert_eq!(edit("djago", "django"), Some(Check::OneEdit));
        assert_eq!(edit("urlib3", "urllib3"), Some(Check::DroppedLetter));
        assert_eq!(edit("djangoo", "django"), Some(Check::DoubledLetter));
        assert_eq!(edit("djjango", "django"), Some(Check::DoubledLetter));
        assert_eq!(edit("ddjango", "django"), Some(Check::DoubledLetter));
        assert_eq!(edit("xdjango", "django"), None);
        assert_eq!(edit("jdango", "django"), Some(Check::AdjacentSwap));
        assert_eq!(edit("djangox", "django"), Some(Check::OneEdit));
        assert_eq!(edit("jeilyfish", "jellyfish"), Some(Check::OneEdit));
        assert_eq!(edit("b0to", "boto"), Some(Check::Homoglyph));
        assert_eq!(edit("pyqt6", "pyqt5"), None);
        assert_eq!(edit("psycopg", "psycopg2"), None);
        assert_eq!(edit("django", "django"), None);
        assert_eq!(edit("dnajgo", "django"), None);
        assert_eq!(edit("dj", "django"), None);
    }

    #[test]
    fn serialises_as_its_name() {
        let json = serde_json::to_string(&Check::KeyboardNeighbour).unwrap();
        assert_eq!(json, "\"keyboard-neighbour\"");
    }
}
