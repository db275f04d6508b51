//! Taking what the user sees and types: screenshots, the clipboard, keystrokes. Stealers
//! grab the screen and the clipboard beside the browser stores they read, clippers swap
//! a crypto address the user copied for the attacker's, and keyloggers hook the
//! keyboard. None of it belongs in code that runs at install or import.

use super::{CLIPBOARD_ACCESS, KEYSTROKE_CAPTURE, SCREEN_CAPTURE};
use crate::analysis::SourceFile;
use crate::detectors::{calls, capability, when, Ctx, Detector};
use crate::finding::{Confidence, Finding, Severity};
use crate::lang::catalog::Kinds;
use crate::lang::facts::CallFact;
use crate::rules::Rule;

pub const DETECTOR: Detector = Detector {
    rules: &[&SCREEN_CAPTURE, &CLIPBOARD_ACCESS, &KEYSTROKE_CAPTURE],
    run,
};

/// Each behaviour: the kinds that show it, its rule, and the act for messages.
const BEHAVIOURS: &[(Kinds, &Rule, &str)] = &[
    (Kinds::SCREEN, &SCREEN_CAPTURE, "captures the screen"),
    (
        Kinds::CLIPBOARD_READ.or(Kinds::CLIPBOARD_WRITE),
        &CLIPBOARD_ACCESS,
        "reads or replaces the clipboard",
    ),
    (Kinds::KEYS, &KEYSTROKE_CAPTURE, "listens to the keyboard"),
];

fn run(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (f, c) in calls(ctx) {
        for &(kinds, rule, act) in BEHAVIOURS {
            if !c.kinds.has(kinds) {
                continue;
            }
            let phase = f.call_phase(c);
            let swaps = *rule == CLIPBOARD_ACCESS && swaps_clipboard(f, c);
            // Automation, screenshot and hotkey libraries do all of this when their user
            // asks; code that does it unasked, or a clipboard rewritten with an address
            // the package carries, is taking something.
            let (severity, confidence, act) = if swaps {
                (
                    Severity::Critical,
                    Confidence::Medium,
                    "replaces what the user copied with a wallet address it carries, after reading the clipboard in the same file",
                )
            } else {
                let (severity, confidence) = capability(phase);
                (severity, confidence, act)
            };
            out.push(rule.at_call(
                f,
                c,
                severity,
                confidence,
                format!("{act} with `{}` {}", c.callee, when(phase)),
            ));
        }
    }
}

/// A clipper: this call writes the clipboard, the same file reads it, and the file holds a
/// crypto wallet address literal (what the copied address is swapped for).
fn swaps_clipboard(f: &SourceFile, c: &CallFact) -> bool {
    c.kinds.has(Kinds::CLIPBOARD_WRITE)
        && f.facts
            .calls
            .iter()
            .any(|r| r.kinds.has(Kinds::CLIPBOARD_READ))
        && f.facts.strings.iter().any(|(s, _)| is_wallet_address(s))
}

/// A Bitcoin (legacy, P2SH or bech32), Ethereum or Tron address, written whole.
fn is_wallet_address(s: &str) -> bool {
    let alnum = |t: &str| t.bytes().all(|b| b.is_ascii_alphanumeric());
    let base58 = |t: &str| {
        t.bytes()
            .all(|b| b.is_ascii_alphanumeric() && !matches!(b, b'0' | b'O' | b'I' | b'l'))
    };
    let n = s.len();
    (s.starts_with("0x") && n == 42 && s[2..].bytes().all(|b| b.is_ascii_hexdigit()))
        || (s.starts_with("bc1") && (42..=62).contains(&n) && alnum(s))
        || (s.starts_with(['1', '3'])
            && (26..=35).contains(&n)
            && base58(s)
            && s.bytes().any(|b| b.is_ascii_alphabetic()))
        || (s.starts_with('T') && n == 34 && base58(s))
}

#[cfg(test)]
mod tests {
    use super::is_wallet_address;

    #[test]
    fn wallet_addresses() {
        assert!(is_wallet_address(
            "0x52908400098527886E0F7030069857D2E4169EE7"
        ));
        assert!(is_wallet_address(
            "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
        ));
        assert!(is_wallet_address("1BoatSLRHtKNngkdXEeobR76b53LETtpyT"));
        assert!(!is_wallet_address("0x1234"));
        assert!(!is_wallet_address("1.0.0"));
        assert!(!is_wallet_address("3141592653589793238462643383"));
        assert!(!is_wallet_address("The quick brown fox jumps over"));
    }
}
