//! What a detector reports: one behaviour seen at one place in one package.

use serde::Serialize;

/// Impact if the behaviour is real.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

/// How sure the detector is that the behaviour is real.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

/// When the code runs on the victim's machine; the same call means more at install time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    /// Runs when the package is installed (setup.py, cmdclass, npm lifecycle, extconf.rb).
    Install,
    /// Runs when the package is imported or the interpreter starts (`__init__.py`, `.pth`, npm main).
    Import,
    /// Runs only when a user calls into the package.
    Runtime,
    /// Comes from the manifest or the name, not from code.
    Metadata,
    /// Comes from the archive's structure.
    Archive,
}

/// The shared vocabulary of behaviours; rule ids are finer-grained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    InstallHook,
    StartupHook,
    Download,
    ExecDownloaded,
    ExecDecoded,
    Obfuscation,
    WriteHome,
    Persistence,
    BackgroundProcess,
    Exfiltration,
    CredentialRead,
    ReverseShell,
    SuspiciousEndpoint,
    EmbeddedBinary,
    Typosquat,
    ArchiveAnomaly,
    MetadataAnomaly,
}

/// One behaviour at one place. `file` is the path inside the package, nested archives joined with `!`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    pub category: Category,
    pub severity: Severity,
    pub confidence: Confidence,
    pub phase: Phase,
    pub file: String,
    pub line: u32,
    pub message: String,
    pub snippet: String,
}

impl Finding {
    /// The order in which findings are reported: by file, line, then rule.
    pub fn sort_key(&self) -> (&str, u32, &str, &str) {
        (&self.file, self.line, self.rule, &self.message)
    }
}
