//! RubyGems install hooks: `Gem.pre_install { ... }`, `Gem.post_install`,
//! `Gem::Installer` hooks and the uninstall and build hooks. A block registered there
//! runs inside every later `gem install` on the machine (RubyGems loads
//! `rubygems_plugin.rb` of every installed gem), so a gem that registers one reaches far
//! beyond its own install.

use super::GEM_INSTALL_HOOK;
use crate::detectors::{calls, runs_unasked, when, Ctx, Detector};
use crate::finding::{Confidence, Finding, Severity};

pub const DETECTOR: Detector = Detector {
    rules: &[&GEM_INSTALL_HOOK],
    run,
};

/// The hook registration methods of `Gem` and `Gem::Installer`.
const HOOKS: &[&str] = &[
    "pre_install",
    "post_install",
    "pre_uninstall",
    "post_uninstall",
    "done_installing",
    "post_build",
    "pre_reset",
    "post_reset",
];

fn run(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (f, c) in calls(ctx) {
        let Some((owner, hook)) = c.callee.rsplit_once('.') else {
            continue;
        };
        let gem = matches!(owner, "Gem" | "Gem::Installer" | "Gem.Installer");
        if !gem || !HOOKS.contains(&hook) {
            continue;
        }
        let phase = f.call_phase(c);
        // Gem plugins that hook installs (compilers, auditors) are installed on purpose
        // and register their hook from `rubygems_plugin.rb`, which runs at install; the
        // hook itself is the act worth a look, and with a payload inside it, the other
        // rules report what it does.
        let (severity, confidence) = if runs_unasked(phase) {
            (Severity::High, Confidence::Medium)
        } else {
            (Severity::Medium, Confidence::Medium)
        };
        out.push(GEM_INSTALL_HOOK.at_call(
            f,
            c,
            severity,
            confidence,
            format!(
                "registers the RubyGems hook `{}`, which runs inside every later gem install or removal, {}",
                c.callee,
                when(phase)
            ),
        ));
    }
}
