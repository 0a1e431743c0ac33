//! The `zhagen` command: parse arguments, call the library, print errors and exit non-zero.

use clap::Parser;

fn main() {
    let cli = zhagen::cli::Cli::parse();
    if let Err(e) = zhagen::cli::main_with(cli) {
        eprintln!("Error: {e:#}");
        std::process::exit(1);
    }
}
