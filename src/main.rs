//! The `zhagen` command: parse arguments, call the library, print errors and exit non-zero.

mod cli;

fn main() {
    let cli = cli::Cli::parse_args();
    cli::interrupt::install();
    if let Err(e) = cli::main_with(cli) {
        if e.downcast_ref::<cli::interrupt::Interrupted>().is_some() {
            eprintln!("{e:#}");
            std::process::exit(cli::interrupt::EXIT_CODE);
        }
        if e.downcast_ref::<cli::StrictFailure>().is_some() {
            eprintln!("{e:#}");
            std::process::exit(cli::StrictFailure::EXIT_CODE);
        }
        // The error, then each cause after a colon: every message says only what its own
        // layer knows, so nothing is repeated.
        eprintln!("Error: {e:#}");
        std::process::exit(1);
    }
}
