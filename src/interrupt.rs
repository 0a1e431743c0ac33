//! Ctrl-C: the first asks the work to stop cleanly (a run writes nothing and keeps the folder's
//! previous results; a sweep keeps every finished point); a second exits at once.

use std::sync::atomic::{AtomicBool, Ordering};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Exit status after an interruption (128 + SIGINT), as shells expect.
pub const EXIT_CODE: i32 = 130;

/// Install the handler (once per process; later calls do nothing).
pub fn install() {
    let _ = ctrlc::set_handler(|| {
        if INTERRUPTED.swap(true, Ordering::SeqCst) {
            // Second Ctrl-C: leave now. Files are only ever replaced whole, so nothing is
            // half-written even so.
            std::process::exit(EXIT_CODE);
        }
        eprintln!("\ninterrupted: stopping cleanly (press Ctrl-C again to quit at once)");
    });
}

/// Whether Ctrl-C has been pressed.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// The error returned when work stopped because of Ctrl-C.
#[derive(Debug, thiserror::Error)]
#[error("interrupted: {0}")]
pub struct Interrupted(pub String);
