//! The `Vec` sections: growth over `Global`, the same traced, choosing the capacity and
//! failing without aborting, zero-sized elements, and the drop order.

use std::mem::size_of;

use allockit::Vec;
use allockit::alloc::Global;
use allockit::wrappers::{FaultInjecting, FaultPlan};

use crate::ledger::{Ledger, Traced, traced};
use crate::style::{result, say, section};

/// A `Vec<u64>` over `Global`, printing `len` and `capacity` each time it grows.
pub fn over_global() {
    section("Vec<u64> over Global, the global heap");
    say("A new Vec has capacity 0 and owns no memory. When a push finds it full, it grows");
    say("to max(2 x capacity, len + 1, 4): doubling, with a minimum of 4 for 8-byte items.");
    say("Doubling makes push amortized O(1): n pushes copy fewer than 2n elements in all.");
    println!();

    let mut v: Vec<u64> = Vec::new();
    let mut growths = 0;
    for i in 1..=20 {
        let before = v.capacity();
        v.push(i);
        if v.capacity() != before {
            growths += 1;
            println!(
                "   push {i:>2}   len {:>2}   capacity {:>2} -> {:>2}",
                v.len(),
                before,
                v.capacity()
            );
        }
    }
    result(format_args!(
        "20 pushes, {growths} growths: len {}, capacity {}",
        v.len(),
        v.capacity()
    ));
}

/// The same pushes over the tracing allocator: one `allocate`, one `grow` per doubling,
/// one `deallocate` when the Vec is dropped.
pub fn over_tracer(tracer: &Traced<'_, Global>, ledger: &Ledger) {
    section("The same pushes over a tracing allocator");
    say("`Vec::new_in(&tracer)` takes the allocator as a value (here a reference to it).");
    say("The first block comes from `allocate`; every later growth is one `grow` call,");
    say("which may extend the block in place or move it (then the allocator copies it).");
    println!();

    let before = ledger.calls();
    let mut v: Vec<u64, _> = Vec::new_in(tracer);
    for i in 1..=20 {
        let before = v.capacity();
        if v.len() == before {
            println!("   push {i:>2} finds the Vec full (len {}, capacity {before}):", v.len());
        }
        v.push(i);
    }
    result(format_args!(
        "len {}, capacity {} ({} bytes)",
        v.len(),
        v.capacity(),
        v.capacity() * size_of::<u64>()
    ));
    say("Dropping the Vec gives its block back:");
    drop(v);
    result(format_args!("{} allocator calls in this section", ledger.calls() - before));
}

/// `reserve_exact`, `shrink_to_fit`, and `try_reserve` failing three ways.
pub fn capacity_control(tracer: &Traced<'_, Global>, ledger: &Ledger) {
    section("Choosing the capacity yourself, and failing without aborting");
    let mut v: Vec<u64, _> = Vec::new_in(tracer);

    say("`reserve_exact(10)` asks for room for exactly 10 elements, with no rounding up:");
    v.reserve_exact(10);
    result(format_args!("len {}, capacity {}", v.len(), v.capacity()));

    say("Three elements fit without a call; `shrink_to_fit()` then gives back the 7 spare slots:");
    v.extend_from_slice(&[1, 2, 3]);
    v.shrink_to_fit();
    result(format_args!("len {}, capacity {}", v.len(), v.capacity()));

    say("`push` aborts the program if the allocator fails; `try_reserve` returns an error");
    say("instead, and leaves the Vec as it was. `usize::MAX` more elements cannot even be");
    say("expressed in bytes, so the allocator is never asked:");
    match v.try_reserve(usize::MAX) {
        Ok(()) => result(format_args!("unexpectedly succeeded")),
        Err(e) => result(format_args!("Err: {}", e.kind())),
    }
    let huge = isize::MAX as usize / size_of::<u64>() - v.len();
    say("Just under isize::MAX bytes in total (about 8 EiB) is a valid request, so the");
    say("allocator is asked, and says no:");
    match v.try_reserve(huge) {
        Ok(()) => result(format_args!("unexpectedly succeeded")),
        Err(e) => result(format_args!("Err: {}", e.kind())),
    }
    result(format_args!("the Vec is untouched: {:?}, capacity {}", &v[..], v.capacity()));
    drop(v);

    say("Real allocators rarely fail on demand, so tests make them: a FaultInjecting");
    say("wrapper refuses requests on a schedule. Here it refuses the second request:");
    let faulty = FaultInjecting::new(Global, FaultPlan::Nth(2));
    let tracer = traced(&faulty, ledger);
    let mut names: allockit::String<_> = allockit::String::new_in(&tracer);
    names.push_str("ada"); // request 1
    match names.try_push_str(" lovelace, grace hopper") {
        Ok(()) => result(format_args!("unexpectedly succeeded")),
        Err(e) => result(format_args!(
            "try_push_str: Err({}); the string is still {names:?}, capacity {}",
            e.kind(),
            names.capacity()
        )),
    }
    names.push_str(" lovelace"); // request 3: goes through
    result(format_args!(
        "the next request went through: {names:?} ({} requests, {} refused)",
        faulty.stats().requests,
        faulty.stats().refused
    ));
}

/// Zero-sized elements: the capacity is `usize::MAX` from the start and the allocator is
/// never called.
pub fn zero_sized(tracer: &Traced<'_, Global>, ledger: &Ledger) {
    section("Zero-sized elements never allocate");
    say("A value of a zero-sized type takes no memory, so a Vec of them needs no buffer:");
    say("its capacity is usize::MAX from the start, and pushes only count.");

    /// A zero-sized marker type.
    #[derive(Clone, Copy, Debug)]
    struct Token;

    let before = ledger.calls();
    let mut v: Vec<Token, _> = Vec::new_in(tracer);
    for _ in 0..1_000_000 {
        v.push(Token);
    }
    result(format_args!(
        "1,000,000 pushes: len {}, capacity {} (usize::MAX: {})",
        v.len(),
        v.capacity(),
        v.capacity() == usize::MAX
    ));
    drop(v);
    result(format_args!("allocator calls in this section: {}", ledger.calls() - before));
}

/// Dropping a Vec drops its elements first, in order, and only then frees the buffer.
pub fn drop_order(tracer: &Traced<'_, Global>) {
    section("Dropping a Vec: first the elements, then the memory");

    /// An element that announces its own drop.
    struct Loud(&'static str);

    impl Drop for Loud {
        fn drop(&mut self) {
            println!("   dropping Loud({:?})", self.0);
        }
    }

    println!(
        "   `with_capacity_in(3, &tracer)` allocates room for three {}-byte elements:",
        size_of::<Loud>()
    );
    let mut v: Vec<Loud, _> = Vec::with_capacity_in(3, tracer);
    v.push(Loud("first"));
    v.push(Loud("second"));
    v.push(Loud("third"));
    say("`drop(v)` runs each element's destructor, front to back, then frees the block:");
    drop(v);
}
