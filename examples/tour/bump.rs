//! The `Bump` sections: a traced Vec whose buffer grows in place while it is the newest
//! block, then chunks, scopes and the two resets.

use std::mem::size_of;

use allockit::bump::ChunkInfo;
use allockit::{Bump, String, Vec};

use crate::ledger::{Ledger, traced};
use crate::style::{result, say, section};

/// A `Vec` over a traced `Bump`: while the Vec's buffer is the bump's newest block, every
/// `grow` is in place; once something else is allocated after it, the next `grow` has to
/// move (copy) it.
pub fn vec_in_place(ledger: &Ledger) {
    section("A Vec in a Bump: the newest block grows in place");
    say("A Bump hands out memory by moving a pointer up through a chunk. The block just");
    say("below that pointer is the newest, and it can grow by moving the pointer further:");
    say("no copy. (bumpalo bumps downward, so there every growth copies.)");
    say("Freeing is a no-op, except for the newest block, whose bytes are taken back.");
    println!();
    say("   chunk: [header | v's buffer ........ | free ..................]");
    say("                                       ^ the bump pointer: v grows by moving it");
    println!();

    let bump = Bump::with_capacity(4096);
    let tracer = traced(&bump, ledger);
    let mut v: Vec<u64, _> = Vec::new_in(&tracer);
    for i in 0..32 {
        v.push(i);
    }
    say("Now something else is allocated after the buffer, so it is no longer the newest:");
    let mut label = String::new_in(&tracer);
    label.push_str("node");
    for i in 32..=64 {
        v.push(i);
    }
    result(format_args!(
        "the grow after `label` moved the buffer and copied its {} bytes; label is {label:?}",
        32 * size_of::<u64>()
    ));
    let before = bump.stats().allocated;
    drop(label);
    drop(v);
    result(format_args!(
        "dropping both: bytes handed out {before} -> {} (v's buffer was the newest block)",
        bump.stats().allocated
    ));
}

/// Chunks, scopes and the two resets, shown through `Bump::chunks` and `Bump::stats`.
pub fn chunks_scopes_resets() {
    section("Chunks, scopes and resets: giving memory back");
    say("When the current chunk is full, the bump takes a new one from its parent, twice");
    say("as big as the last (up to 16 MiB). 10,000 u64 values later:");
    println!();

    let mut bump = Bump::new();
    for i in 0..10_000u64 {
        bump.alloc(i);
    }
    print_chunks(&bump);

    say("A scope takes `&mut Bump` and gives back everything allocated inside it when it");
    say("ends: scratch work that leaves no trace.");
    let before = bump.stats();
    let words = bump.scope(|b| {
        let mut s = String::new_in(b);
        for _ in 0..20_000 {
            s.push_str("scratch ");
        }
        s.split(' ').filter(|w| !w.is_empty()).count()
    });
    let after = bump.stats();
    result(format_args!(
        "{words} words built in the scope; handed out before {} B, after {} B; \
         chunks {} -> {} (the ones taken in the scope stay as spares)",
        before.allocated, after.allocated, before.chunks, after.chunks
    ));

    bump.reset_keep_chunks();
    let kept = bump.stats();
    result(format_args!(
        "reset_keep_chunks: {} chunks, {} B reserved, {} B handed out (ready for reuse)",
        kept.chunks, kept.reserved, kept.allocated
    ));
    bump.reset();
    let reset = bump.stats();
    result(format_args!(
        "reset: {} chunk (the largest) of {} B kept, the others given back",
        reset.chunks, reset.reserved
    ));
}

/// One line per chunk: its role, its block size and how full it is.
fn print_chunks(bump: &Bump) {
    for (i, ChunkInfo { role, block_size, allocated, capacity, .. }) in bump.chunks().enumerate() {
        println!(
            "   chunk {i:>2}  {:<8} block {block_size:>7} B   used {allocated:>6} of {capacity:>6} B",
            format!("{role:?}")
        );
    }
}
