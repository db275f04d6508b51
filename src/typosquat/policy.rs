//! When a related pair counts as a squat: a score of the edit, the length of what it changed
//! and the popularity gap between the two names. `rules/typosquat/typosquat-name.md`
//! documents these numbers and the noise they were chosen for.
//!
//! A pair counts when the span (see `checks::Relation`: the edited word, the shared core, or
//! the whole target without separators or npm scope) is at least the check's base span plus
//! the popularity adjustment plus one for an edit of the first character. The adjustment
//! comes from the gap, the candidate's rank divided by the target's: a candidate far below
//! the target (`mumpy` against `numpy`, rank 22) may change a shorter span than one that is
//! nearly as popular, and two names of similar rank are never a squat.

use super::checks::{Check, Relation};

/// The base span of each check: how long the changed part must be when the target is about
/// 100 to 1,000 times as popular as the candidate. One edit away from a short name or word
/// lies another real one, so weak checks need longer spans.
fn base_span(check: Check) -> usize {
    match check {
        Check::Homoglyph | Check::ScopeConfusion => 4,
        Check::AdjacentSwap | Check::DoubledLetter | Check::DroppedLetter => 5,
        Check::Separator | Check::KeyboardNeighbour | Check::VersionSuffix => 5,
        Check::LetterPrefix | Check::ComboWord | Check::StdlibName | Check::Affix => 5,
        Check::OneEdit | Check::ReorderedWords => 6,
        Check::TwoEdits => 8,
    }
}

/// The rank an unlisted name counts as: the median project of PyPI (about 600,000 projects),
/// twenty times past the end of its list (14,985 names). Unlisted names count as unpopular.
pub(crate) const UNLISTED_RANK: usize = 300_000;

/// The rank every target of an unranked list (RubyGems) counts as, so that an unlisted
/// candidate faces the base spans (gap 150).
pub(crate) const UNRANKED_TARGET_RANK: usize = 1_000;

/// Below this gap the two names are of similar popularity and never a squat.
const SIMILAR_GAP: usize = 10;

/// From this gap on, the target is so much more popular that a span one shorter counts,
/// and so do an edit of the first character, a prefix letter and a combo word.
const FAR_GAP: usize = 1_000;

/// How the popularity gap moves the span a check needs: -1 from [`FAR_GAP`] on, 0 from 100,
/// +1 from [`SIMILAR_GAP`]; `None` below it (similar popularity, never a squat).
fn gap_adjustment(gap: usize) -> Option<isize> {
    match gap {
        g if g >= FAR_GAP => Some(-1),
        g if g >= 100 => Some(0),
        g if g >= SIMILAR_GAP => Some(1),
        _ => None,
    }
}

/// Checks that copy the whole name and add to it: legitimate plugins and ports are named
/// that way all the time (`flask-sock`, `sqlalchemy-utils`, `ipytest`), so they count only
/// against a target at least [`FAR_GAP`] times as popular.
fn adds_a_word(check: Check) -> bool {
    matches!(check, Check::LetterPrefix | Check::ComboWord)
}

/// Checks that count between two listed names: the rest relate legitimate popular names
/// (forks, plugins, ports, projects renamed into a scope) far more often than squats. A
/// listed name has users of its own.
fn counts_between_listed(check: Check) -> bool {
    matches!(
        check,
        Check::Homoglyph | Check::AdjacentSwap | Check::ScopeConfusion
    )
}

/// The gap a listed candidate needs: at least 100 (rank 1,000 against rank 10 or better).
const LISTED_GAP: usize = 100;

/// Whether `relation` between a candidate and the target at `target_rank` (1-based) is reported.
///
/// `candidate_rank` is the candidate's own rank when it is listed too; `ranked` says whether the
/// list is in popularity order (when it is not, no listed name is flagged against another).
pub(crate) fn counts(
    relation: Relation,
    candidate_rank: Option<usize>,
    target_rank: usize,
    ranked: bool,
) -> bool {
    if let Some(rank) = candidate_rank {
        if !ranked || !counts_between_listed(relation.check) || rank < LISTED_GAP * target_rank {
            return false;
        }
    }
    let target_rank = if ranked {
        target_rank
    } else {
        UNRANKED_TARGET_RANK
    };
    let gap = candidate_rank.unwrap_or(UNLISTED_RANK) / target_rank.max(1);
    let Some(adjust) = gap_adjustment(gap) else {
        return false;
    };
    if (relation.first_letter || adds_a_word(relation.check)) && gap < FAR_GAP {
        return false;
    }
    let needed = base_span(relation.check) as isize
        + adjust
        + isize::from(relation.first_letter)
        + relation.extra_span as isize;
    relation.span as isize >= needed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(check: Check, span: usize) -> Relation {
        Relation {
            check,
            span,
            first_letter: false,
            extra_span: 0,
        }
    }

    #[test]
    fn a_far_more_popular_target_allows_a_shorter_span() {
        let swap4 = rel(Check::AdjacentSwap, 4);
        assert!(counts(swap4, None, 300, true));
        assert!(!counts(swap4, None, 301, true));
        assert!(counts(rel(Check::AdjacentSwap, 5), None, 3_000, true));
        assert!(!counts(rel(Check::AdjacentSwap, 5), None, 3_001, true));
        assert!(counts(rel(Check::AdjacentSwap, 6), None, 14_000, true));
        assert!(!counts(rel(Check::AdjacentSwap, 9), None, 30_001, true));
    }

    #[test]
    fn first_letter_edits_count_only_against_far_more_popular_targets() {
        let first = Relation {
            first_letter: true,
            ..rel(Check::KeyboardNeighbour, 5)
        };
        assert!(counts(first, None, 22, true));
        assert!(!counts(first, None, 301, true));
    }

    #[test]
    fn listed_names_of_similar_rank_are_never_squats() {
        let swap = rel(Check::AdjacentSwap, 8);
        assert!(!counts(swap, Some(90), 10, true));
        assert!(counts(swap, Some(1_000), 10, true));
        assert!(!counts(swap, Some(900), 10, true));
        assert!(!counts(rel(Check::OneEdit, 8), Some(10_000), 1, true));
        assert!(!counts(swap, Some(1_000), 10, false));
    }
}
