use clap::Parser;
use pkgwarden::cli::{exit_code, Cli, Command, Format};
use pkgwarden::{report, rules};

fn main() {
    // Usage errors exit with 2 (clap's own convention matches ours).
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Scan(args) => {
            if let (_, Some(warning)) = pkgwarden::scan::worker_count(args.jobs) {
                eprintln!("warning: {warning}");
            }
            let result = pkgwarden::scan(&args.paths, &args.config());
            let out = match args.format {
                Format::Text => report::text::render(&result, args.verbose),
                Format::Json => report::json::render(&result, args.timings),
            };
            print!("{out}");
            exit_code(&result, args.fail_on, args.fail_on_empty)
        }
        Command::CheckName(args) => pkgwarden::typosquat::cli::run(&args),
        Command::Rules(args) => rules::print_list(matches!(args.format, Format::Json)),
        Command::Explain(args) => rules::print_explain(&args.rule),
    };
    std::process::exit(code);
}
