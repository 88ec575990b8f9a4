//! `Tracing<Counting<System>, Stderr>` as the `#[global_allocator]`: every allocation of
//! the program is printed to standard error, by a sink that must not allocate (if it did,
//! each traced call would allocate, be traced, allocate... and the program would overflow
//! its stack instead of finishing). `Counting` below the tracer checks that a traced
//! `Box` is exactly one allocation and one free. A binary of its own, without the test
//! harness, whose threads would allocate through it too.

use std::alloc::System;
use std::hint::black_box;

use allockit::wrappers::Counting;
use allockit::wrappers::tracing::{Stderr, Tracing};

#[global_allocator]
static GLOBAL: Tracing<Counting<System>, Stderr> =
    Tracing::with_sink(Counting::new(System), Stderr { prefix: "[tracing_global] " });

fn main() {
    let before = GLOBAL.inner().stats();
    let boxed = black_box(Box::new([7u8; 100]));
    let during = GLOBAL.inner().stats().since(before);
    assert_eq!((during.allocations, during.total_bytes), (1, 100), "{during:?}");
    drop(boxed);
    let after = GLOBAL.inner().stats().since(before);
    assert_eq!((after.allocations, after.deallocations), (1, 1), "{after:?}");

    // A growing std `Vec`: realloc traced as grows, still one live block at the end.
    let mut v: Vec<u64> = Vec::new();
    for i in 0..100 {
        v.push(black_box(i));
    }
    let grown = GLOBAL.inner().stats().since(before);
    assert!(grown.grows >= 4, "{grown:?}");
    drop(v);
    eprintln!("tracing_global: ok");
}
