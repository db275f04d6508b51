//! Which keys sit next to each other on a QWERTY keyboard, for the keyboard-neighbour check.

/// The rows of a QWERTY keyboard; each row starts half a key to the right of the row above.
const ROWS: [&str; 4] = ["1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm"];

fn position(c: char) -> Option<(usize, usize)> {
    ROWS.iter()
        .enumerate()
        .find_map(|(row, keys)| keys.find(c).map(|col| (row, col)))
}

/// Whether `a` and `b` are distinct keys that touch: same row side by side, or in the row above
/// (same column or one to the right) or below (same column or one to the left).
pub(crate) fn are_neighbours(a: char, b: char) -> bool {
    let (Some((ra, ca)), Some((rb, cb))) = (position(a), position(b)) else {
        return false;
    };
    if ra == rb {
        return ca.abs_diff(cb) == 1;
    }
    if ra + 1 == rb {
        return cb == ca || cb + 1 == ca;
    }
    if rb + 1 == ra {
        return ca == cb || ca + 1 == cb;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neighbours_follow_the_stagger() {
        for n in ['a', 'd', 'w', 'e', 'z', 'x'] {
            assert!(are_neighbours('s', n), "s/{n}");
            assert!(are_neighbours(n, 's'), "{n}/s");
        }
        assert!(!are_neighbours('s', 'q'));
        assert!(!are_neighbours('s', 'c'));
        assert!(!are_neighbours('s', 's'));
        assert!(are_neighbours('2', 'q'));
        assert!(!are_neighbours('-', 'q'));
    }
}
