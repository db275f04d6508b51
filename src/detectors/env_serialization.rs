//! The whole process environment serialised in one go: `JSON.stringify(process.env)`,
//! `ENV.to_h.to_json`, `json.dumps(dict(os.environ))`, `Marshal.dump(ENV)`. That is how an
//! exfiltrating payload packs every token, key and CI secret for sending, and it is worth
//! reporting even when the send itself is out of sight (built later, in another file, or
//! through an API the catalogue does not know). A send carrying the environment on the
//! same line is `env-exfiltration`'s, and is not reported twice.

use super::{at_call, calls, runs_unasked, when, Ctx, Detector};
use crate::finding::{Category, Confidence, Finding, Severity};
use crate::lang::catalog::Kinds;
use crate::lang::facts::{CallFact, Labels};

pub const DETECTOR: Detector = Detector {
    rules: &["env-serialization"],
    run,
};

/// Functions that turn a value into text or bytes.
const SERIALIZERS: &[&str] = &[
    "JSON.stringify",
    "JSON.dump",
    "JSON.generate",
    "JSON.pretty_generate",
    "YAML.dump",
    "Psych.dump",
    "Marshal.dump",
    "json.dumps",
    "json.dump",
    "pickle.dumps",
    "pickle.dump",
    "marshal.dumps",
    "yaml.dump",
    "yaml.safe_dump",
    "util.inspect",
    "repr",
    "str",
];

/// Methods that serialise what they are called on (Ruby's `to_json`, `inspect`).
const SERIALIZING_METHODS: &[&str] = &["to_json", "to_yaml", "inspect"];

fn run(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (f, c) in calls(ctx) {
        if !serializes_env(c) {
            continue;
        }
        let sent_here = f.facts.calls.iter().any(|s| {
            s.line == c.line
                && s.kinds.has(Kinds::SEND.or(Kinds::DOWNLOAD))
                && s.arg_labels().has(Labels::ENV)
        });
        if sent_here {
            continue;
        }
        let phase = f.call_phase(c);
        // Build tools hand the environment to child processes and bundlers as text when
        // asked; packing it unasked has one use.
        let (severity, confidence) = if runs_unasked(phase) {
            (Severity::High, Confidence::Medium)
        } else {
            (Severity::Medium, Confidence::Low)
        };
        out.push(at_call(
            f,
            c,
            "env-serialization",
            Category::Collection,
            severity,
            confidence,
            format!(
                "packs the whole process environment (tokens, keys, CI secrets) into text with `{}` {}",
                c.callee,
                when(phase)
            ),
        ));
    }
}

/// Whether `c` serialises a value carrying the whole environment.
fn serializes_env(c: &CallFact) -> bool {
    let method = c.callee.rsplit('.').next().unwrap_or("");
    if SERIALIZERS.contains(&c.callee.as_str()) {
        c.args.iter().any(|a| a.labels.has(Labels::ENV))
    } else if SERIALIZING_METHODS.contains(&method) {
        c.receiver.as_ref().is_some_and(|r| r.labels.has(Labels::ENV))
            || c.kinds.has(Kinds::ENVALL)
    } else {
        false
    }
}
