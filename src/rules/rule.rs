//! A rule as one value: the id its findings name, the category they carry, and its
//! document, declared once with [`rule!`] next to the code that reports it. Findings are
//! made through the rule ([`Rule::at_call`], [`Rule::finding`]), so an emit site cannot
//! name an id or a category of its own, and a rule without a document does not build.

use crate::analysis::SourceFile;
use crate::finding::{Category, Confidence, Finding, Phase, Severity};
use crate::lang::facts::CallFact;

/// One rule: what a finding reports, and the document that explains it.
#[derive(Debug)]
pub struct Rule {
    /// The stable kebab-case id findings, reports and configuration files name.
    pub id: &'static str,
    /// The category every finding of the rule carries.
    pub category: Category,
    /// The document's path under `rules/`: `<category>/<id>.md`.
    pub path: &'static str,
    /// The document's text, compiled in.
    pub document: &'static str,
}

/// Two rules are the same rule when their ids are (ids are unique: a test holds them to it).
impl PartialEq for Rule {
    fn eq(&self, other: &Rule) -> bool {
        self.id == other.id
    }
}

impl Eq for Rule {}

impl Rule {
    /// A finding of this rule at a call site: the phase, line and code come from the call.
    pub fn at_call(
        &self,
        file: &SourceFile,
        call: &CallFact,
        severity: Severity,
        confidence: Confidence,
        message: String,
    ) -> Finding {
        self.finding(severity, confidence, file.call_phase(call), message)
            .at(file.path.clone(), call.line, file.snippet(call.line))
    }

    /// A finding of this rule with no place yet (a package-level finding, such as a name
    /// check); [`Finding::at`] places it in a file.
    pub fn finding(
        &self,
        severity: Severity,
        confidence: Confidence,
        phase: Phase,
        message: String,
    ) -> Finding {
        Finding {
            rule: self.id,
            category: self.category,
            severity,
            confidence,
            phase,
            file: String::new(),
            line: 0,
            message,
            snippet: String::new(),
        }
    }
}

/// Declares a rule as a `pub static` [`Rule`]:
/// `rule!(CRON_JOB = "cron-job" in "persistence" as Persistence);` is the rule `cron-job`
/// of category `Category::Persistence`, documented by `rules/persistence/cron-job.md`
/// (the folder is the category's kebab-case name; a test holds them to each other).
/// A missing document fails the build.
macro_rules! rule {
    ($name:ident = $id:literal in $folder:literal as $category:ident) => {
        #[doc = concat!("The rule `", $id, "` (`rules/", $folder, "/", $id, ".md`).")]
        pub static $name: $crate::rules::Rule = $crate::rules::Rule {
            id: $id,
            category: $crate::finding::Category::$category,
            path: concat!($folder, "/", $id, ".md"),
            document: include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/rules/",
                $folder,
                "/",
                $id,
                ".md"
            )),
        };
    };
}
pub(crate) use rule;
