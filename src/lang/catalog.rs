//! The API catalogue: which resolved call names download, send, spawn, exec, decode,
//! write, chmod, or read host facts. The list is data (`rules/data/api-catalog.txt`),
//! compiled in; this module only parses and queries it.

use std::collections::HashMap;
use std::sync::OnceLock;

/// What a call can do, as a set of bits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Kinds(u32);

impl Kinds {
    pub const DOWNLOAD: Kinds = Kinds(1);
    pub const SEND: Kinds = Kinds(1 << 1);
    pub const SPAWN: Kinds = Kinds(1 << 2);
    pub const EXEC: Kinds = Kinds(1 << 3);
    pub const DECODE: Kinds = Kinds(1 << 4);
    pub const WRITE: Kinds = Kinds(1 << 5);
    pub const WRITE_DEST: Kinds = Kinds(1 << 6);
    pub const CHMOD: Kinds = Kinds(1 << 7);
    pub const HOSTINFO: Kinds = Kinds(1 << 8);
    pub const ENVALL: Kinds = Kinds(1 << 9);
    pub const READ: Kinds = Kinds(1 << 10);
    /// Hands over data that came from the network (a server's requests, a socket's
    /// messages) without fetching anything itself.
    pub const RECEIVE: Kinds = Kinds(1 << 11);
    /// Captures the screen.
    pub const SCREEN: Kinds = Kinds(1 << 12);
    /// Reads the clipboard.
    pub const CLIPBOARD_READ: Kinds = Kinds(1 << 13);
    /// Replaces the clipboard's content.
    pub const CLIPBOARD_WRITE: Kinds = Kinds(1 << 14);
    /// Listens to keystrokes system-wide or polls the keyboard's state.
    pub const KEYS: Kinds = Kinds(1 << 15);

    pub fn has(self, other: Kinds) -> bool {
        self.0 & other.0 != 0
    }

    /// The union of two sets.
    pub const fn or(self, other: Kinds) -> Kinds {
        Kinds(self.0 | other.0)
    }

    fn parse(word: &str) -> Option<Kinds> {
        Some(match word {
            "download" => Kinds::DOWNLOAD,
            "send" => Kinds::SEND,
            "spawn" => Kinds::SPAWN,
            "exec" => Kinds::EXEC,
            "decode" => Kinds::DECODE,
            "write" => Kinds::WRITE,
            "write-dest" => Kinds::WRITE_DEST,
            "chmod" => Kinds::CHMOD,
            "hostinfo" => Kinds::HOSTINFO,
            "envall" => Kinds::ENVALL,
            "read" => Kinds::READ,
            "receive" => Kinds::RECEIVE,
            "screen" => Kinds::SCREEN,
            "clipboard-read" => Kinds::CLIPBOARD_READ,
            "clipboard-write" => Kinds::CLIPBOARD_WRITE,
            "keys" => Kinds::KEYS,
            _ => return None,
        })
    }
}

const CATALOG: &str = include_str!("../../rules/data/api-catalog.txt");

struct Catalog {
    exact: HashMap<&'static str, Kinds>,
    prefixes: Vec<(&'static str, Kinds)>,
}

fn catalog() -> &'static Catalog {
    static CELL: OnceLock<Catalog> = OnceLock::new();
    CELL.get_or_init(|| {
        let mut exact: HashMap<&'static str, Kinds> = HashMap::new();
        let mut prefixes = Vec::new();
        for (kind, callee) in entries() {
            match callee.strip_suffix(".*") {
                Some(prefix) => prefixes.push((prefix, kind)),
                None => exact.entry(callee).or_default().0 |= kind.0,
            }
        }
        Catalog { exact, prefixes }
    })
}

/// Every `(kind, callee)` line of the catalogue; panics on a malformed line, which the
/// catalogue test catches before release.
pub fn entries() -> impl Iterator<Item = (Kinds, &'static str)> {
    CATALOG
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (kind, callee) = l
                .split_once(' ')
                .expect("catalogue line is `<kind> <callee>`");
            (
                Kinds::parse(kind).unwrap_or_else(|| panic!("unknown catalogue kind `{kind}`")),
                callee.trim(),
            )
        })
}

/// What the call named `callee` can do.
pub fn kinds(callee: &str) -> Kinds {
    let c = catalog();
    let mut k = c.exact.get(callee).copied().unwrap_or_default();
    for (prefix, kind) in &c.prefixes {
        if callee
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('.'))
        {
            k.0 |= kind.0;
        }
    }
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_parses_and_lookups_work() {
        assert!(entries().count() > 100);
        assert!(kinds("urllib.request.urlretrieve").has(Kinds::DOWNLOAD));
        assert!(kinds("urllib.request.urlretrieve").has(Kinds::WRITE_DEST));
        assert!(kinds("os.system").has(Kinds::SPAWN));
        assert!(!kinds("os.path.join").has(Kinds::SPAWN));
    }
}
