//! The `zhagen` command: parse arguments, call the library, print errors and exit non-zero.

use clap::Parser;

mod cli;

fn main() {
    let cli = cli::Cli::parse();
    cli::interrupt::install();
    if let Err(e) = cli::main_with(cli) {
        if e.downcast_ref::<cli::interrupt::Interrupted>().is_some() {
            eprintln!("{e:#}");
            std::process::exit(cli::interrupt::EXIT_CODE);
        }
        // The error and its causes, each once (our messages often quote their cause already).
        let mut msg = e.to_string();
        for cause in e.chain().skip(1) {
            let c = cause.to_string();
            if !msg.contains(&c) {
                msg.push_str(": ");
                msg.push_str(&c);
            }
        }
        eprintln!("Error: {msg}");
        std::process::exit(1);
    }
}
