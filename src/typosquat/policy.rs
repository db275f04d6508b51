//! When a related pair counts as a squat: minimum name lengths per check, and how much more
//! popular the target must be. `rules/typosquat/typosquat-name.md` documents these numbers.

use super::checks::{Check, Relation};

/// The shortest span (see `checks::Relation`: the edited word, the shared core, or the whole
/// target without separators or npm scope) that each check applies to. One edit away from a
/// short name or word lies another real one, so weak checks need longer spans.
fn min_len(check: Check) -> usize {
    match check {
        Check::Homoglyph | Check::ScopeConfusion => 4,
        Check::AdjacentSwap | Check::DoubledLetter | Check::DroppedLetter => 5,
        Check::Separator | Check::KeyboardNeighbour | Check::VersionSuffix => 5,
        Check::OneEdit | Check::ReorderedWords | Check::Affix => 6,
    }
}

/// Checks that rarely relate two legitimate names, so that they count even between two listed
/// names when those are far apart in rank.
fn is_strong(check: Check) -> bool {
    matches!(
        check,
        Check::Homoglyph | Check::AdjacentSwap | Check::ScopeConfusion
    )
}

/// A listed candidate is flagged by a strong check only when its rank is at least this many
/// times the target's (rank 1,000 against rank 10 or better).
const FAR_APART_RATIO: usize = 100;

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
    if relation.span < min_len(relation.check) {
        return false;
    }
    match candidate_rank {
        None => true,
        Some(rank) => ranked && is_strong(relation.check) && rank >= FAR_APART_RATIO * target_rank,
    }
}
