//! Catching expected panics quietly.
//!
//! [`catch`] runs a closure under `catch_unwind` and returns the panic message on a panic.
//! While it runs, this thread's panics print nothing (a process-wide hook, installed once,
//! forwards to the default hook unless the panicking thread is inside `catch`), so a run of
//! thousands of expected panics stays readable and real failures still print.

use std::any::Any;
use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    static QUIET: Cell<u32> = const { Cell::new(0) };
}

fn install_hook() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if QUIET.with(Cell::get) == 0 {
                default(info);
            }
        }));
    });
}

/// The text of a panic payload (`panic!` with a literal or with formatting).
pub fn message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "<non-string panic payload>".to_owned()
    }
}

/// Runs `f`; `Err(message)` if it panicked. Prints nothing for that panic.
///
/// The closure is asserted unwind-safe: callers check the state it leaves behind.
pub fn catch<R>(f: impl FnOnce() -> R) -> Result<R, String> {
    install_hook();
    QUIET.with(|q| q.set(q.get() + 1));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(q.get() - 1));
    result.map_err(|p| message(&*p))
}

/// Runs `f`, which must panic; returns the message.
#[track_caller]
pub fn expect_panic<R: std::fmt::Debug>(f: impl FnOnce() -> R) -> String {
    match catch(f) {
        Ok(r) => panic!("expected a panic, got {r:?}"),
        Err(m) => m,
    }
}
