//! `pnpm-lock.yaml`, read without a YAML parser: the names sit in mapping keys at fixed places,
//! one key a line, and pnpm writes those keys in block style. The reader tracks each line's
//! indentation to know the path of keys above it, and reads:
//!
//! - `importers.<folder>.{dependencies,devDependencies,optionalDependencies}.<name>` (and
//!   the same maps at the top level, for single-project v5/v6 files), with a `specifier:
//!   npm:real@range` child naming the package an alias installs;
//! - `packages.<key>`, whose key is `name@version` in v9 (`'@scope/name@1.0.0'`, quoted when
//!   it starts with `@`), `/name@version` in v6, `/name/version` in v5, with a peer suffix
//!   (`(peer@1.0.0)` or `_peer@1.0.0`) after it.
//!
//! Lines deeper than those keys (block scalars, flow mappings, `snapshots`) only ever extend
//! a path the reader ignores, since YAML nests them under a key indented less.

use super::Found;
use crate::ecosystem::Ecosystem;

/// The dependency maps of an importer.
const DEPENDENCY_MAPS: [&str; 3] = ["dependencies", "devDependencies", "optionalDependencies"];

pub(super) fn read(text: &str) -> Result<Found, String> {
    let mut found = Found::default();
    let mut stack: Vec<(usize, String)> = Vec::new();
    let mut major_version: Option<u32> = None;
    // Direct dependencies (name, line), renamed by an alias specifier below them.
    let mut direct: Vec<(String, usize)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let Some((indent, key, value)) = key_line(line) else {
            continue;
        };
        while stack.last().is_some_and(|(depth, _)| *depth >= indent) {
            stack.pop();
        }
        let path: Vec<&str> = stack.iter().map(|(_, k)| k.as_str()).collect();
        match path.as_slice() {
            [] if key == "lockfileVersion" => {
                let number = value.trim_matches(['\'', '"']);
                major_version = number.split('.').next().and_then(|n| n.parse().ok());
            }
            ["packages"] => match package_key_name(&key, major_version.unwrap_or(9)) {
                Some(PackageKey::Name(name)) => found.name(Ecosystem::Npm, name, i + 1),
                Some(PackageKey::Local) => {}
                None => found.unreadable(i + 1, &key),
            },
            [map] | ["importers", _, map] if DEPENDENCY_MAPS.contains(map) => {
                direct.push((key.clone(), i + 1));
            }
            [map, _] | ["importers", _, map, _] if DEPENDENCY_MAPS.contains(map) => {
                let alias = value.trim_matches(['\'', '"']).strip_prefix("npm:");
                if let (true, Some(target), Some(last)) =
                    (key == "specifier", alias, direct.last_mut())
                {
                    let end = target
                        .get(1..)
                        .and_then(|t| t.rfind('@'))
                        .map_or(target.len(), |i| i + 1);
                    last.0 = target[..end].to_string();
                }
            }
            _ => {}
        }
        stack.push((indent, key));
    }
    if major_version.is_none() {
        return Err("not a pnpm lockfile: no lockfileVersion".into());
    }
    for (name, line) in direct {
        found.name(Ecosystem::Npm, &name, line);
    }
    Ok(found)
}

/// A block mapping line `key:` or `key: value` as (indentation, key without quotes, value);
/// `None` for blank lines, comments, sequence items and lines that are no key.
fn key_line(line: &str) -> Option<(usize, String, &str)> {
    let content = line.trim_start_matches(' ');
    let indent = line.len() - content.len();
    if content.is_empty() || content.starts_with(['#', '-']) {
        return None;
    }
    let (key, rest) = match content.chars().next()? {
        quote @ ('\'' | '"') => {
            let end = content[1..].find(quote)? + 1;
            (content[1..end].to_string(), &content[end + 1..])
        }
        _ => {
            let end = content
                .find(": ")
                .unwrap_or(content.len().saturating_sub(1));
            (content[..end].to_string(), &content[end..])
        }
    };
    let value = rest.strip_prefix(':')?.trim();
    Some((indent, key, value))
}

/// What a `packages` key stands for.
#[derive(Debug, PartialEq, Eq)]
enum PackageKey<'a> {
    Name(&'a str),
    /// A `file:` or `link:` package: local code, no registry name.
    Local,
}

/// The package name in a `packages` key of a lockfile of major version `version`.
fn package_key_name(key: &str, version: u32) -> Option<PackageKey<'_>> {
    if key.starts_with("file:") || key.starts_with("link:") {
        return Some(PackageKey::Local);
    }
    let key = key.strip_prefix('/').unwrap_or(key);
    let name = if version >= 6 {
        let key = &key[..key.find('(').unwrap_or(key.len())];
        &key[..key.get(1..)?.find('@')? + 1]
    } else {
        &key[..key.rfind('/')?]
    };
    Some(PackageKey::Name(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An excerpt of a lockfile pnpm 8 writes (lockfile v6).
    const V6: &str = r#"lockfileVersion: '6.0'

settings:
  autoInstallPeers: true
  excludeLinksFromLockfile: false

dependencies:
  express:
    specifier: ^4.18.2
    version: 4.18.2
  my-lodash:
    specifier: npm:lodash@^4.17.21
    version: /lodash@4.17.21

devDependencies:
  '@types/node':
    specifier: ^20.8.0
    version: 20.8.0

packages:

  /@types/node@20.8.0:
    resolution: {integrity: sha512-LzcWltT83s1bthcvjBmiBvGJiiUe84NWRHkw+ZV6Fr41z2FbIzvc815dk2nQ3RAKMuN2fkenM/z3Xv2QzEpYxQ==}
    dev: true

  /express@4.18.2:
    resolution: {integrity: sha512-5/PsL6iGPdfQ/lKM1UuielYgv3BUoJfz1aUwU9vHZ+J7gyvwdQXFEBIEIaxeGf0GIcreATNyBExtalisDbuMqQ==}
    engines: {node: '>= 0.10.0'}
    dependencies:
      accepts: 1.3.8

  /@babel/plugin-syntax-jsx@7.22.5(@babel/core@7.23.0):
    resolution: {integrity: sha512-gvyP4hZrgrs/wWMaocvxZ44Hw0b3W8Pe+cMxc8V1ULQ07oh8VNbIRaoD1LRZVTvD+0nieDKjfgKg89sD7rrKrg==}
"#;

    /// An excerpt of a lockfile pnpm 9 writes (lockfile v9).
    const V9: &str = r#"lockfileVersion: '9.0'

settings:
  autoInstallPeers: true
  excludeLinksFromLockfile: false

importers:

  .:
    dependencies:
      expresss:
        specifier: ^4.18.2
        version: 4.18.2
    devDependencies:
      typescript:
        specifier: ^5.4.0
        version: 5.4.5

  packages/web:
    dependencies:
      react:
        specifier: ^18.2.0
        version: 18.2.0

packages:

  '@babel/core@7.24.5':
    resolution: {integrity: sha512-tVQRucExLQ02Boi4vdPp49svNGcfL2GhdTCT9aldhXgCJVAI21EtRfBettiuLUwce/7r6bFdgs6JFkcdTiFttA==}
    engines: {node: '>=6.9.0'}

  expresss@4.18.2:
    resolution: {integrity: sha512-5/PsL6iGPdfQ/lKM1UuielYgv3BUoJfz1aUwU9vHZ+J7gyvwdQXFEBIEIaxeGf0GIcreATNyBExtalisDbuMqQ==}

snapshots:

  '@babel/core@7.24.5':
    dependencies:
      '@ampproject/remapping': 2.3.0

  expresss@4.18.2: {}
"#;

    fn names(found: &Found) -> Vec<(&str, usize)> {
        found.names.iter().map(|(n, l)| (n.as_str(), *l)).collect()
    }

    #[test]
    fn v6_top_level_maps_and_slash_keys() {
        let found = read(V6).unwrap();
        assert_eq!(
            names(&found),
            [
                ("@types/node", 22),
                ("express", 26),
                ("@babel/plugin-syntax-jsx", 32),
                ("express", 8),
                ("lodash", 11),
                ("@types/node", 16),
            ]
        );
        assert!(found.unreadable.is_empty());
    }

    #[test]
    fn v9_importers_and_quoted_keys() {
        let found = read(V9).unwrap();
        assert_eq!(
            names(&found),
            [
                ("@babel/core", 27),
                ("expresss", 31),
                ("expresss", 11),
                ("typescript", 15),
                ("react", 21),
            ]
        );
        assert!(found.unreadable.is_empty());
    }

    #[test]
    fn v5_keys_and_garbage() {
        assert_eq!(
            package_key_name("/@babel/core/7.22.0_supports-color@5.5.0", 5),
            Some(PackageKey::Name("@babel/core"))
        );
        assert_eq!(
            package_key_name("/lodash/4.17.21", 5),
            Some(PackageKey::Name("lodash"))
        );
        assert_eq!(
            package_key_name("file:../local", 9),
            Some(PackageKey::Local)
        );
        assert!(read("packages:\n  lodash@4.17.21:\n").is_err());
    }
}
