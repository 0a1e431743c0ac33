//! Ctrl-C: the first trips the process's cancellation token, so the work stops cleanly (a run
//! writes nothing and keeps the folder's previous results; a sweep keeps every finished point;
//! a calibration stops after the evaluation in progress); a second exits at once. This is the
//! binary's only global state: the library takes the token as an argument.

use std::sync::LazyLock;
use zhagen::cancel::Cancel;

static TOKEN: LazyLock<Cancel> = LazyLock::new(Cancel::new);

/// Exit status after an interruption (128 + SIGINT), as shells expect.
pub const EXIT_CODE: i32 = 130;

/// Install the handler (once per process; later calls do nothing).
pub fn install() {
    let _ = ctrlc::set_handler(|| {
        if TOKEN.is_cancelled() {
            // Second Ctrl-C: leave now. Files are only ever replaced whole, so nothing is
            // half-written even so.
            std::process::exit(EXIT_CODE);
        }
        TOKEN.cancel();
        eprintln!("\ninterrupted: stopping cleanly (press Ctrl-C again to quit at once)");
    });
}

/// The token Ctrl-C trips.
pub fn token() -> &'static Cancel {
    &TOKEN
}

/// The error returned when work stopped because of Ctrl-C.
#[derive(Debug, thiserror::Error)]
#[error("interrupted: {0}")]
pub struct Interrupted(pub String);
