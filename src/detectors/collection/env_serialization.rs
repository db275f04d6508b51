//! The whole process environment serialised in one go: `JSON.stringify(process.env)`,
//! `ENV.to_h.to_json`, `json.dumps(dict(os.environ))`, `Marshal.dump(ENV)`. That is how an
//! exfiltrating payload packs every token, key and CI secret for sending, and it is worth
//! reporting even when the send itself is out of sight (built later, in another file, or
//! through an API the catalogue does not know). A send carrying the environment on the
//! same line is `env-exfiltration`'s, and is not reported twice.

use super::ENV_SERIALIZATION;
use crate::detectors::{calls, capability, when, Ctx, Detector};
use crate::finding::Finding;
use crate::lang::catalog::Kinds;
use crate::lang::facts::{CallFact, Labels, Value};

pub const DETECTOR: Detector = Detector {
    rules: &[&ENV_SERIALIZATION],
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
        let (severity, confidence) = capability(phase);
        out.push(ENV_SERIALIZATION.at_call(
            f,
            c,
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

/// The whole environment, as the analysis names it, and the calls that copy all of it.
const ENVIRONMENT: &[&str] = &[
    "os.environ",
    "os.environ.copy",
    "process.env",
    "ENV",
    "ENV.to_h",
    "ENV.to_hash",
];

/// Calls that copy a mapping whole: `dict(os.environ)`, `Object.assign({}, process.env)`.
const COPIES: &[&str] = &["dict", "Object.assign", "structuredClone"];

/// Whether `c` serialises the whole environment itself: it is the argument (or, for a
/// method, what the method is called on), directly or in a copy (`dict(os.environ)`,
/// `{...process.env}`). A value that only carries the environment's label is not enough:
/// labels are kept per name for a whole file, and in a bundle one short name holds
/// everything.
fn serializes_env(c: &CallFact) -> bool {
    let method = c.callee.rsplit('.').next().unwrap_or("");
    let whole = |v: &Value| {
        v.labels.has(Labels::ENV)
            && v.name
                .iter()
                .chain(&v.names)
                .any(|n| ENVIRONMENT.contains(&n.as_str()) || COPIES.contains(&n.as_str()))
    };
    if SERIALIZERS.contains(&c.callee.as_str()) {
        c.args.iter().any(whole)
    } else if SERIALIZING_METHODS.contains(&method) {
        c.receiver.as_ref().is_some_and(whole) || c.kinds.has(Kinds::ENVALL)
    } else {
        false
    }
}
