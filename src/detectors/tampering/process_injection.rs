//! Code injection into another process through the Windows API, reached with ctypes or an
//! FFI binding: memory allocated and written in a process the code opened, then a thread
//! started there. The API names are distinctive, so the call is recognised by its last
//! name whatever the binding's path (`ctypes.windll.kernel32.WriteProcessMemory`,
//! `kernel32.CreateRemoteThread`).

use super::PROCESS_INJECTION;
use crate::detectors::{calls, runs_unasked, when, Ctx, Detector};
use crate::finding::{Confidence, Finding, Severity};

pub const DETECTOR: Detector = Detector {
    rules: &[&PROCESS_INJECTION],
    run,
};

/// Windows API functions that write into or start code in another process.
const INJECTION_APIS: &[&str] = &[
    "WriteProcessMemory",
    "CreateRemoteThread",
    "CreateRemoteThreadEx",
    "VirtualAllocEx",
    "NtWriteVirtualMemory",
    "NtCreateThreadEx",
    "RtlCreateUserThread",
    "QueueUserAPC",
    "NtQueueApcThread",
    "SetThreadContext",
    "NtMapViewOfSection",
];

fn run(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (f, c) in calls(ctx) {
        let api = c.callee.rsplit('.').next().unwrap_or("");
        if c.shell.is_some() || !INJECTION_APIS.contains(&api) {
            continue;
        }
        let phase = f.call_phase(c);
        // Debuggers and memory-editing libraries do this on their user's command; code
        // that does it unasked is injecting a payload.
        let (severity, confidence) = if runs_unasked(phase) {
            (Severity::High, Confidence::High)
        } else {
            (Severity::Medium, Confidence::Low)
        };
        out.push(PROCESS_INJECTION.at_call(
            f,
            c,
            severity,
            confidence,
            format!(
                "calls `{api}`, which writes into or starts code in another process, {}",
                when(phase)
            ),
        ));
    }
}
