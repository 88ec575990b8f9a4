//! A guided tour of allockit: run it with `cargo run --example tour`.
//!
//! Each section is one small function that prints what it does and why. Most of them put
//! a collection over allockit's [`Tracing`](allockit::wrappers::Tracing) wrapper, whose
//! sink (`ledger.rs`) prints every allocator call as it happens, so you can watch the
//! traffic behind ordinary `Vec`, `Box` and `String` operations:
//!
//! 1. `Layout`: size, alignment, padding, `Layout::array`, `extend`;
//! 2. the `Allocator` trait called by hand: allocate, write, grow, free;
//! 3. `Vec<u64>` growing over `Global`, the global heap;
//! 4. the same pushes over the tracing allocator: one `allocate`, a `grow` per doubling;
//! 5. choosing the capacity (`reserve_exact`, `shrink_to_fit`), and failures caught by
//!    `try_reserve` and `try_push_str` (a `FaultInjecting` allocator) instead of an abort;
//! 6. zero-sized elements, which never allocate;
//! 7. dropping a `Vec`: first the elements, then the memory;
//! 8. `Box` and `String` over the same allocator;
//! 9. a `Vec` in a `Bump`: the newest block grows in place, an older one is copied;
//! 10. the bump's chunks, a scope that gives memory back, and the two resets;
//! 11. an `Arena` that threads share, and a `LocalArena` per thread;
//! 12. a `Pool`: boxed nodes freed and reused through a free list;
//! 13. a summary table of every call each allocator saw.
//!
//! Colour is used only when stdout is a terminal (and `NO_COLOR` is not set).
#![cfg_attr(feature = "nightly", feature(allocator_api))]

mod arena;
mod box_string;
mod bump;
mod layout;
mod ledger;
mod pool;
mod style;
mod summary;
mod vec;

use allockit::alloc::Global;

use ledger::{Ledger, traced};
use style::{BOLD, RESET, say, style};

/// What each allocator saw, for the summary.
static GLOBAL: Ledger = Ledger::new("Global");
static BUMP: Ledger = Ledger::new("Bump");
static ARENA: Ledger = Ledger::new("Arena");
static POOL: Ledger = Ledger::new("Pool");

fn main() {
    style::init_colour();
    println!("{}allockit tour{}", style(BOLD), style(RESET));
    say("Collections generic over an allocator, watched one allocator call at a time.");

    layout::layouts();
    layout::allocator_by_hand(&GLOBAL);

    let tracer = traced(Global, &GLOBAL);
    vec::over_global();
    vec::over_tracer(&tracer, &GLOBAL);
    vec::capacity_control(&tracer, &GLOBAL);
    vec::zero_sized(&tracer, &GLOBAL);
    vec::drop_order(&tracer);
    box_string::box_and_string(&tracer);

    bump::vec_in_place(&BUMP);
    bump::chunks_scopes_resets();
    arena::threads(&ARENA);
    pool::reuse(&POOL);

    summary::table(&[&GLOBAL, &BUMP, &ARENA, &POOL]);
}
