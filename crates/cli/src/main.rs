//! `clusterlab`: the command line over the clusterlab lab.
//!
//! Each subcommand lives in `commands/`: it parses options, calls `clusterlab-lab` (or the
//! report and server crates) and words the result. **Architecture invariant:** no model logic
//! here — only arguments, wording and exit codes.

mod commands;
mod error;

use clap::{Parser, Subcommand};
use error::CliError;
use std::process::ExitCode;

/// A laboratory for the technological innovation of industrial clusters.
#[derive(Debug, Parser)]
#[command(
    name = "clusterlab",
    version,
    about,
    after_help = "Start with `clusterlab run` (a bundled default cluster) or \
                  `clusterlab diffuse --size 200x200 --p 0.01 --q 0.3`.\n\
                  Scenario fields and their defaults: docs/scenario.md; experiments: \
                  docs/experiments.md; the game: docs/game.md.\n\
                  Set CLUSTERLAB_MAX_MEMORY (e.g. 8G) to cap the memory a simulation may take."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,

    /// Worker threads (default: all cores, or RAYON_NUM_THREADS). Results do not depend on it.
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    threads: Option<u16>,
}

#[derive(Debug, Subcommand)]
enum Command {
    Run(commands::run::RunArgs),
    Diffuse(commands::diffuse::DiffuseArgs),
    Validate(commands::validate::ValidateArgs),
    Gem(commands::gem::GemArgs),
    Evaluate(commands::evaluate::EvaluateArgs),
    Game(commands::game::GameArgs),
    Sweep(commands::sweep::SweepArgs),
    Summarize(commands::summarize::SummarizeArgs),
    Facts(commands::facts::FactsArgs),
    Sensitivity(commands::sensitivity::SensitivityArgs),
    Fit(commands::fit::FitArgs),
    Policy(commands::policy::PolicyArgs),
    Regions(commands::regions::RegionsArgs),
    Report(commands::report::ReportArgs),
    Serve(commands::serve::ServeArgs),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(
                e.kind(),
                ErrorKind::DisplayHelp
                    | ErrorKind::DisplayVersion
                    | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            ) {
                e.exit();
            }
            // clap's message, under our prefix; exit 2 as for all bad input.
            let message = e.render().to_string();
            eprint!(
                "clusterlab: {}",
                message.strip_prefix("error: ").unwrap_or(&message)
            );
            return ExitCode::from(error::EXIT_BAD_INPUT);
        }
    };
    // SIGINT and SIGTERM stop a job between two steps or runs, so that its staged output is
    // removed rather than left half-written; a second signal ends the process at once.
    let _ = ctrlc::set_handler(|| {
        if clusterlab_lab::progress::request_interrupt() {
            std::process::exit(i32::from(error::EXIT_INTERRUPTED));
        }
    });
    // A reader that stops early (`clusterlab policy list | head`) closes standard output: end
    // quietly, as a program killed by SIGPIPE does, rather than with a panic message.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or("");
        if message.starts_with("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(141);
        }
        default_hook(info);
    }));
    if let Some(n) = cli.threads {
        if let Err(e) = rayon::ThreadPoolBuilder::new()
            .num_threads(usize::from(n))
            .build_global()
        {
            eprintln!("clusterlab: cannot start {n} threads: {e}");
            return ExitCode::from(error::EXIT_FAILURE);
        }
    }
    let result = match cli.command {
        Command::Run(args) => commands::run::run(args),
        Command::Diffuse(args) => commands::diffuse::run(args),
        Command::Validate(args) => commands::validate::run(args),
        Command::Gem(args) => commands::gem::run(args),
        Command::Evaluate(args) => commands::evaluate::run(args),
        Command::Game(args) => commands::game::run(args),
        Command::Sweep(args) => commands::sweep::run(args),
        Command::Summarize(args) => commands::summarize::run(args),
        Command::Facts(args) => commands::facts::run(args),
        Command::Sensitivity(args) => commands::sensitivity::run(args),
        Command::Fit(args) => commands::fit::run(args),
        Command::Policy(args) => commands::policy::run(args),
        Command::Regions(args) => commands::regions::run(args),
        Command::Report(args) => commands::report::run(args),
        Command::Serve(args) => commands::serve::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError { lines, code }) => {
            for line in lines {
                eprintln!("clusterlab: {line}");
            }
            ExitCode::from(code)
        }
    }
}
