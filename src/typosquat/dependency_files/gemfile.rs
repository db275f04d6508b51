//! Bundler's `Gemfile` (`gems.rb`) and `Gemfile.lock` (`gems.locked`).
//!
//! A Gemfile is Ruby; its gems are the `gem "name"` calls, whose first argument is a string
//! literal in every Gemfile Bundler generates. A `gem` call with any other first argument is
//! reported as unreadable. A lockfile is line-structured: sections start unindented (`GEM`,
//! `GIT`, `PATH`, `PLATFORMS`, `DEPENDENCIES`, ...), and the gems resolved from a registry are
//! the `name (version)` lines indented four spaces under `GEM`'s `specs:`.

use super::Found;
use crate::ecosystem::Ecosystem;

/// The statements a Gemfile is made of; a file with none of them is not a Gemfile.
const GEMFILE_WORDS: &[&str] = &[
    "source",
    "gem",
    "gemspec",
    "group",
    "ruby",
    "git_source",
    "platforms",
    "plugin",
    "path",
    "git",
    "eval_gemfile",
];

pub(super) fn gemfile(text: &str) -> Result<Found, String> {
    let mut found = Found::default();
    let mut statements = 0;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        let word_end = line
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(line.len());
        let (word, rest) = line.split_at(word_end);
        if word != "gem" || !rest.starts_with([' ', '\t', '(']) {
            statements += usize::from(GEMFILE_WORDS.contains(&word) && is_call(rest));
            continue;
        }
        statements += 1;
        let args = rest.trim_start_matches([' ', '\t', '(']);
        let quote = args.chars().next().filter(|q| matches!(q, '\'' | '"'));
        let name = quote
            .and_then(|q| args[1..].split_once(q))
            .map(|(name, _)| name);
        match name {
            Some(name) => found.name(Ecosystem::Rubygems, name, i + 1),
            None => found.unreadable(i + 1, line),
        }
    }
    if statements == 0 {
        return Err("not a Gemfile: no source, gem or gemspec statement".into());
    }
    Ok(found)
}

/// Whether `rest`, what follows a Gemfile word, reads as the arguments of a call: nothing, a
/// parenthesis, or a string, symbol or keyword argument (`source "https://..."`, `group :test
/// do`, `gemspec path: "."`), so that prose starting with "source" is no statement.
fn is_call(rest: &str) -> bool {
    let args = rest.trim_start();
    let keyword = args.split_once(':').is_some_and(|(word, after)| {
        !word.is_empty()
            && word.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && after.starts_with(' ')
    });
    rest.is_empty()
        || rest.starts_with('(')
        || (rest.starts_with([' ', '\t']) && (args.starts_with(['\'', '"', ':', '%']) || keyword))
}

/// The section headings of a lockfile.
const LOCK_SECTIONS: &[&str] = &[
    "GEM",
    "GIT",
    "PATH",
    "PLUGIN SOURCE",
    "PLATFORMS",
    "DEPENDENCIES",
    "CHECKSUMS",
    "RUBY VERSION",
    "BUNDLED WITH",
];

pub(super) fn gemfile_lock(text: &str) -> Result<Found, String> {
    let mut found = Found::default();
    let mut section = None;
    let mut in_specs = false;
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        if !line.starts_with(' ') {
            let heading = line.trim_end();
            if !LOCK_SECTIONS.contains(&heading) {
                return Err(format!(
                    "not a Gemfile.lock: line {} is no section heading: {}",
                    i + 1,
                    heading.chars().take(80).collect::<String>()
                ));
            }
            section = Some(heading);
            in_specs = false;
            continue;
        }
        if section != Some("GEM") {
            continue;
        }
        let indent = line.len() - line.trim_start_matches(' ').len();
        match indent {
            2 => in_specs = line.trim_end() == "  specs:",
            4 if in_specs => {
                let spec = line.trim();
                match spec.split_once(" (") {
                    Some((name, version)) if version.ends_with(')') => {
                        found.name(Ecosystem::Rubygems, name, i + 1)
                    }
                    _ => found.unreadable(i + 1, spec),
                }
            }
            _ => {}
        }
    }
    if section.is_none() {
        return Err("not a Gemfile.lock: no GEM, PATH or DEPENDENCIES section".into());
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gemfile_calls() {
        let text = "source 'https://rubygems.org'\nruby '3.2.2'\n\ngem 'rails', '~> 7.1'\n\
                    group :test do\n  gem(\"rspec-rails\")\nend\n%w[a b].each { |g| gem g }\n\
                    gem name_from_env\ngems 'no'\n";
        let found = gemfile(text).unwrap();
        assert_eq!(
            found.names,
            [("rails".to_string(), 4), ("rspec-rails".to_string(), 6)]
        );
        assert_eq!(found.unreadable, [(9, "gem name_from_env".to_string())]);
        assert!(gemfile("# Title\n\nSome prose about gems.\nsource code is here\n").is_err());
        assert!(gemfile("gemspec\n").is_ok());
    }

    #[test]
    fn lockfile_gem_specs() {
        let text = "GIT\n  remote: https://example.invalid/x.git\n  revision: abc\n  specs:\n    \
                    x (1.0)\n\nGEM\n  remote: https://rubygems.org/\n  specs:\n    \
                    actionpack (7.1.3)\n      rack (>= 2.2.4)\n    nokogiri (1.16.0-x86_64-linux)\n\
                    \nPLATFORMS\n  x86_64-linux\n\nDEPENDENCIES\n  rails (~> 7.1)\n\n\
                    BUNDLED WITH\n   2.5.3\n";
        let found = gemfile_lock(text).unwrap();
        assert_eq!(
            found.names,
            [("actionpack".to_string(), 10), ("nokogiri".to_string(), 12)]
        );
        assert!(gemfile_lock("hello\nworld\n").is_err());
        assert!(gemfile_lock("").is_err());
    }
}
