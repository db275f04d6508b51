//! The integration tests, as one test binary: each module below was once a binary of its
//! own, and every binary linked the whole crate and its grammars again. One binary links
//! once.

mod binaries;
mod check_name_files;
mod cli;
mod cli_rules;
mod common;
mod copy_of_popular;
mod data_flow;
mod false_positives;
mod fixtures;
mod hostile;
mod html_report;
mod inputs;
mod limits;
mod npm_ruby;
mod python_facts;
mod report_cli;
mod report_schema;
mod rule_examples;
mod sarif;
mod typosquat;
