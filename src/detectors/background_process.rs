//! Detached background processes started by code that runs unasked: they outlive the
//! installer and keep a payload running (`start_new_session=True`, `DETACHED_PROCESS`,
//! `nohup ... &`, `setsid`, `pythonw`).

use super::{calls, runs_unasked, when, Ctx, Detector};
use crate::finding::{Confidence, Finding, Severity};
use crate::lang::catalog::Kinds;
use crate::lang::facts::CallFact;
use crate::rules::rule;

rule!(DETACHED_PROCESS = "detached-process" in "background-process" as BackgroundProcess);

pub const DETECTOR: Detector = Detector {
    rules: &[&DETACHED_PROCESS],
    run,
};

/// Windows process-creation flags that detach or hide the child.
const HIDING_FLAGS: &[&str] = &[
    "DETACHED_PROCESS",
    "CREATE_NEW_PROCESS_GROUP",
    "CREATE_NO_WINDOW",
    "CREATE_NEW_CONSOLE",
];

fn run(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (f, c) in calls(ctx) {
        let phase = f.call_phase(c);
        if !runs_unasked(phase) {
            continue;
        }
        if let Some(how) = detaches(c) {
            out.push(DETACHED_PROCESS.at_call(
                f,
                c,
                Severity::Medium,
                Confidence::High,
                format!("starts a process that {how} {}", when(phase)),
            ));
        }
    }
}

fn detaches(c: &CallFact) -> Option<String> {
    if let Some(sh) = &c.shell {
        let program = c.callee.trim_start_matches("sh.");
        if matches!(program, "nohup" | "setsid" | "disown" | "daemonize") {
            return Some(format!("is detached with `{program}`"));
        }
        if sh.background && !matches!(program, ">" | ">>") {
            return Some(format!("runs `{program}` in the background (`&`)"));
        }
        if program.eq_ignore_ascii_case("start-process") || program == "pythonw" {
            return Some(format!("is started hidden with `{program}`"));
        }
        return None;
    }
    if !c.kinds.has(Kinds::SPAWN) {
        return None;
    }
    if c.kwarg("start_new_session")
        .and_then(|v| v.text.as_deref())
        .is_some_and(|t| t == "1")
    {
        return Some(
            "starts in a new session (start_new_session=True), detached from the installer".into(),
        );
    }
    if c.kwarg("preexec_fn").is_some_and(|v| {
        v.names
            .iter()
            .any(|n| n.ends_with("setsid") || n.ends_with("setpgrp"))
    }) {
        return Some("calls setsid before it starts, detaching from the installer".into());
    }
    if let Some(v) = c.kwarg("creationflags") {
        let flag = v
            .names
            .iter()
            .find(|n| HIDING_FLAGS.iter().any(|h| n.ends_with(h)));
        let numeric = v
            .text
            .as_deref()
            .and_then(|t| t.parse::<u64>().ok())
            .is_some_and(|n| n & 0x0800_0218 != 0);
        if let Some(flag) = flag {
            return Some(format!("is created with `{flag}`"));
        }
        if numeric {
            return Some("is created with detaching process flags".into());
        }
    }
    if c.kwarg("detached")
        .and_then(|v| v.text.as_deref())
        .is_some_and(|t| t == "1" || t == "true")
    {
        return Some("is spawned detached".into());
    }
    None
}
