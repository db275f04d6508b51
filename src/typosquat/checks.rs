//! The checks: how a candidate name can imitate a popular one, and which one explains a pair.

use serde::{Serialize, Serializer};

use super::canonical::{split_scope, squash, words};
use super::forms::{affixes, Forms};
use super::homoglyph::{is_look_alike_pair, skeleton};
use super::keyboard::are_neighbours;
use super::words::{is_combo_word, is_prefix_letter};
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
    /// One of the letters squatters favour put before the whole name (`xrequests`, `s-lodash`);
    /// `rules/data/typosquat-words.txt` lists them.
    LetterPrefix,
    /// Combosquatting: a common word put before or after the whole name (`axios-proxy`,
    /// `requests-utils`), from the curated list of `rules/data/typosquat-words.txt`.
    ComboWord,
    /// A standard-library or built-in module name of Python or Node registered as a package
    /// (`smtplib`, `child_process`), or the name of one next to a popular package it nearly
    /// matches (`urllib` for `urllib3`).
    StdlibName,
    /// Two edits (insertions, deletions, substitutions or swaps) inside a long word
    /// (`seleinuim`, `simpjson`); never at the first character nor on a digit.
    TwoEdits,
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
            Check::LetterPrefix => "letter-prefix",
            Check::ComboWord => "combo-word",
            Check::StdlibName => "stdlib-name",
            Check::TwoEdits => "two-edits",
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

/// How a candidate relates to a target: the check, the length of the part of the target that
/// it changed (the edited word, the shared core, or the whole name), which the length
/// thresholds are measured on, whether the edit changed the first character, and how much
/// longer than usual the span must be for a rarer kind of edit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Relation {
    pub check: Check,
    pub span: usize,
    pub first_letter: bool,
    pub extra_span: usize,
}

impl Relation {
    /// A relation whose edit is not at the first character.
    pub(crate) fn new(check: Check, span: usize) -> Relation {
        Relation {
            check,
            span,
            first_letter: false,
            extra_span: 0,
        }
    }
}

/// The check that explains how `candidate` imitates `target`, the most specific first; `None`
/// when no check relates them. The two names must differ in canonical form.
pub(crate) fn classify(candidate: &Forms, target: &Forms, eco: Ecosystem) -> Option<Relation> {
    let whole = |check| Some(Relation::new(check, target.bare_len()));
    if eco == Ecosystem::Npm && same_scope(candidate, target) {
        return None;
    }
    if eco == Ecosystem::Npm {
        if let Some(span) = scope_confusion_span(candidate, target) {
            return Some(Relation::new(Check::ScopeConfusion, span));
        }
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
    if let Some(edit) = one_edit(&candidate.chars, &target.chars) {
        let span = match edit.check {
            Check::LetterPrefix => target.bare_len(),
            _ => target.word_len_at(edit.at),
        };
        return Some(Relation {
            first_letter: edit.first_letter,
            ..Relation::new(edit.check, span)
        });
    }
    if let Some(span) = affix_core_len(candidate, target, eco) {
        return Some(Relation::new(Check::Affix, span));
    }
    if candidate.combo_cores().contains(&target.squashed) {
        return whole(Check::ComboWord);
    }
    let two = two_edits(&candidate.chars, &target.chars)?;
    Some(Relation {
        extra_span: if two.other_substitution {
            OTHER_SUBSTITUTION_SPAN
        } else {
            0
        },
        ..Relation::new(Check::TwoEdits, target.words_len_over(two.start, two.end))
    })
}

/// Whether both names are in the same npm scope (`@octokit/oauth-app`, `@octokit/auth-app`).
/// Only a scope's owner can publish in it, so a name there never imitates its neighbours:
/// whoever published one published the other.
fn same_scope(candidate: &Forms, target: &Forms) -> bool {
    let scope = |f: &Forms| split_scope(&f.canonical).map(|(scope, _)| scope.to_string());
    scope(candidate).is_some_and(|s| scope(target) == Some(s))
}

/// The span of an npm scope confusion, `None` when there is none:
/// - a look-alike scope on the same name (`@typescript_eslint/parser`): the name part;
/// - the scope dropped, keeping a name part of two words or more (`core-tracing` for
///   `@azure/core-tracing`): the name part;
/// - scope and name run together (`angular-cli` for `@angular/cli`): both;
/// - a scope added to an unscoped name, when the scope is the name itself, an ecosystem
///   affix or a combo word (`@lodash/lodash`, `@node/lodash`, `@npm/lodash`): the name.
///   Any other scope over a popular name is how forks and framework bindings are named
///   (`@sentry/react`, `@nx/eslint`).
///
/// `@types/x` is never the imitation of `x`, nor `x` of `@types/x`: DefinitelyTyped holds
/// the types of every unscoped package under that scope.
fn scope_confusion_span(candidate: &Forms, target: &Forms) -> Option<usize> {
    let name_len = |name: &str| squash(name).chars().count();
    match (
        split_scope(&candidate.canonical),
        split_scope(&target.canonical),
    ) {
        (Some((scope, name)), Some((target_scope, target_name))) => (name == target_name
            && scopes_look_alike(scope, target_scope))
        .then(|| name_len(target_name)),
        (None, Some((target_scope, target_name))) => {
            if target_scope == TYPES_SCOPE {
                return None;
            }
            let run_together = squash(target_scope) + &squash(target_name);
            if candidate.squashed == run_together {
                Some(run_together.chars().count())
            } else {
                let copies_name =
                    candidate.canonical == target_name && words(target_name).len() >= 2;
                copies_name.then(|| name_len(target_name))
            }
        }
        (Some((scope, name)), None) => {
            let official = squash(scope) == target.squashed
                || is_combo_word(scope)
                || affixes(Ecosystem::Npm).contains(&scope);
            (official && name == target.canonical).then(|| target.bare_len())
        }
        (None, None) => None,
    }
}

fn scopes_look_alike(a: &str, b: &str) -> bool {
    let a_chars: Vec<char> = squash(a).chars().collect();
    let b_chars: Vec<char> = squash(b).chars().collect();
    a != b
        && (a_chars == b_chars
            || skeleton(a, Ecosystem::Npm) == skeleton(b, Ecosystem::Npm)
            || one_edit(&a_chars, &b_chars).is_some_and(|e| !e.first_letter))
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

/// One edit between two names: its kind, the index in the target where it happens, and
/// whether it changed the first character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Edit {
    pub check: Check,
    pub at: usize,
    pub first_letter: bool,
}

/// Names one edit apart: the kind of edit that turns `target` into `candidate`; `None` unless
/// they are exactly one insertion, deletion, substitution or adjacent swap apart.
///
/// A change that involves a digit does not count, except a look-alike (`cu11` and `cu12`,
/// `psycopg2`; added versions are the version-suffix check): real packages are named that way
/// far more often than squats are. A change to the first character is marked, because people
/// rarely mistype the start of a name and real packages often differ there (`authlib` and
/// `oauthlib`, `psutil` and `gsutil`); the policy lets it count only against a far more
/// popular target. Swaps and look-alikes at the start are not marked, nor is one of the
/// letters squatters favour put before the whole name ([`Check::LetterPrefix`]).
pub(crate) fn one_edit(candidate: &[char], target: &[char]) -> Option<Edit> {
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
        } else if p == 0 && is_prefix_letter(c[0]) {
            Check::LetterPrefix
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
    let unmarked = strong || check == Check::LetterPrefix;
    let digit = changed.iter().any(char::is_ascii_digit);
    (strong || !digit).then_some(Edit {
        check,
        at: p,
        first_letter: p == 0 && !unmarked,
    })
}

/// The longest stretch [`two_edits`] compares after the shared start and end are cut off.
const TWO_EDITS_MAX_MIDDLE: usize = 16;

/// Names two typing slips apart: the start and end (exclusive) of the part of the target that
/// differs. A slip is an insertion, a deletion, an adjacent swap, or a look-alike
/// substitution; one of the two may also be any other substitution, not both (`graphviz` and
/// `graphlib` are two projects). A touching key counts as any other substitution here: with
/// a second edit beside it, it turns one word into another (`fastcodec`, `fastcore`). The names must share their first
/// character, the part that differs holds no digit, and it is not a pure addition or
/// removal at the end (`pydantic-ai`, `tokenizers` for `tokenize`): that is how extensions
/// and plurals are named.
pub(crate) fn two_edits(candidate: &[char], target: &[char]) -> Option<TwoEdits> {
    let prefix = candidate
        .iter()
        .zip(target)
        .take_while(|(a, b)| a == b)
        .count();
    if prefix == 0 {
        return None;
    }
    let rest = candidate.len().min(target.len()) - prefix;
    let suffix = candidate
        .iter()
        .rev()
        .zip(target.iter().rev())
        .take(rest)
        .take_while(|(a, b)| a == b)
        .count();
    let c = &candidate[prefix..candidate.len() - suffix];
    let t = &target[prefix..target.len() - suffix];
    let short = c.len().max(t.len()) <= TWO_EDITS_MAX_MIDDLE;
    let digit = c.iter().chain(t).any(char::is_ascii_digit);
    let at_end = suffix == 0 && (c.is_empty() || t.is_empty());
    let cost = slip_cost(c, t);
    (short && !digit && !at_end && (2 * SLIP..=2 * SLIP + 1).contains(&cost)).then_some(TwoEdits {
        start: prefix,
        end: target.len() - suffix,
        other_substitution: cost > 2 * SLIP,
    })
}

/// Where two edits lie in the target (`start..end`), and whether one is a substitution
/// other than a slip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TwoEdits {
    pub start: usize,
    pub end: usize,
    pub other_substitution: bool,
}

/// How much longer the span of two edits must be when one is a substitution other than a
/// slip (`tensoflor` for `tensorflow`): two different words of one length often differ
/// so (`graphviz`, `graphlib`).
const OTHER_SUBSTITUTION_SPAN: usize = 2;

/// What a slip costs in [`slip_cost`]; any other substitution costs one more.
const SLIP: usize = 2;

/// The optimal string alignment distance with [`two_edits`]' costs: [`SLIP`] for an
/// insertion, a deletion, an adjacent swap, or a look-alike substitution; `SLIP + 1` for any
/// other substitution. Two slips cost `2 * SLIP`, a slip and
/// another substitution one more, two other substitutions two more.
fn slip_cost(a: &[char], b: &[char]) -> usize {
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    for i in 0..=a.len() {
        for j in 0..=b.len() {
            d[i * width + j] = if i == 0 || j == 0 {
                (i + j) * SLIP
            } else {
                let (x, y) = (a[i - 1], b[j - 1]);
                let cost = if x == y {
                    0
                } else if is_look_alike_pair(x, y) {
                    SLIP
                } else {
                    SLIP + 1
                };
                let mut best = (d[(i - 1) * width + j] + SLIP)
                    .min(d[i * width + j - 1] + SLIP)
                    .min(d[(i - 1) * width + j - 1] + cost);
                if i > 1 && j > 1 && x == b[j - 2] && a[i - 2] == y {
                    best = best.min(d[(i - 2) * width + j - 2] + SLIP);
                }
                best
            };
        }
    }
    d[a.len() * width + b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(candidate: &str, target: &str) -> Option<Check> {
        let chars = |s: &str| s.chars().collect::<Vec<_>>();
        one_edit(&chars(candidate), &chars(target)).map(|e| e.check)
    }

    fn first_letter(candidate: &str, target: &str) -> bool {
        let chars = |s: &str| s.chars().collect::<Vec<_>>();
        one_edit(&chars(candidate), &chars(target)).is_some_and(|e| e.first_letter)
    }

    fn two(candidate: &str, target: &str) -> Option<bool> {
        let chars = |s: &str| s.chars().collect::<Vec<_>>();
        two_edits(&chars(candidate), &chars(target)).map(|t| t.other_substitution)
    }

    #[test]
    fn one_edit_kinds() {
        assert_eq!(edit("djnago", "django"), Some(Check::AdjacentSwap));
        assert_eq!(edit("djanog", "django"), Some(Check::AdjacentSwap));
        assert_eq!(edit("djanga", "django"), Some(Check::OneEdit));
        assert_eq!(edit("djangp", "django"), Some(Check::KeyboardNeighbour));
        assert_eq!(edit("dkango", "django"), Some(Check::KeyboardNeighbour));
        assert_eq!(edit("fjango", "django"), Some(Check::KeyboardNeighbour));
        assert!(first_letter("fjango", "django"));
        assert!(!first_letter("jdango", "django"));
        assert!(first_letter("jango", "django"));
        assert_eq!(edit("djago", "django"), Some(Check::OneEdit));
        assert_eq!(edit("urlib3", "urllib3"), Some(Check::DroppedLetter));
        assert_eq!(edit("djangoo", "django"), Some(Check::DoubledLetter));
        assert_eq!(edit("djjango", "django"), Some(Check::DoubledLetter));
        assert_eq!(edit("ddjango", "django"), Some(Check::DoubledLetter));
        assert_eq!(edit("xdjango", "django"), Some(Check::LetterPrefix));
        assert!(!first_letter("xdjango", "django"));
        assert_eq!(edit("qdjango", "django"), Some(Check::OneEdit));
        assert!(first_letter("qdjango", "django"));
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
    fn two_edits_are_slips_and_at_most_one_other_substitution() {
        assert_eq!(two("seleinuim", "selenium"), Some(false));
        assert_eq!(two("simpjson", "simplejson"), Some(false));
        assert_eq!(two("requireports", "requiresport"), Some(false));
        assert_eq!(two("tensoflor", "tensorflow"), Some(true));
        // Two substitutions: two words; a touching key and a deletion in an 8-letter word.
        assert_eq!(two("graphviz", "graphlib"), None);
        assert_eq!(two("fastcodec", "fastcore"), Some(true));
        // An addition at the end, a digit, the first letter, one edit, three edits.
        assert_eq!(two("pydanticai", "pydantic"), None);
        assert_eq!(two("tensofl9w", "tensorflow"), None);
        assert_eq!(two("xelenim", "selenium"), None);
        assert_eq!(two("selenim", "selenium"), None);
        assert_eq!(two("matpllotb", "matplotlib"), None);
    }

    #[test]
    fn serialises_as_its_name() {
        let json = serde_json::to_string(&Check::KeyboardNeighbour).unwrap();
        assert_eq!(json, "\"keyboard-neighbour\"");
    }
}
