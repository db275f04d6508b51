use clap::Parser;
use pkgwarden::cli::{Cli, Command, Format};
use pkgwarden::rules;

fn main() {
    // Usage errors exit with 2 (clap's own convention matches ours).
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Scan(args) => pkgwarden::scan_command::run(&args),
        Command::CheckName(args) => pkgwarden::typosquat::cli::run(&args),
        Command::Rules(args) => rules::print_list(matches!(args.format, Format::Json)),
        Command::Explain(args) => rules::print_explain(&args.rule),
    };
    std::process::exit(code);
}
