//! The `Arena` section: a bump allocator that threads share, through `&Arena` (a
//! compare-and-swap per allocation) and through per-thread `LocalArena` handles.

use std::mem::size_of;
use std::sync::atomic::Ordering::Relaxed;

use allockit::{Arena, Vec};

use crate::ledger::{Ledger, counted};
use crate::style::{result, say, section};

pub fn threads(ledger: &Ledger) {
    section("An Arena: a bump allocator that threads share");
    say("`&Bump` cannot cross threads. `Arena` is Send + Sync: each chunk's fill level is");
    say("an atomic cursor that threads move past their blocks with a compare-and-swap, and");
    say("a new chunk is installed under a short lock. Four threads fill Vecs in one arena");
    say("(counted, not printed: the calls of four threads would interleave):");
    println!();

    let arena = Arena::new();
    let tracer = counted(&arena, ledger);
    let vecs: std::vec::Vec<Vec<u64, _>> = std::thread::scope(|s| {
        let workers: std::vec::Vec<_> = (0..4u64)
            .map(|t| {
                let tracer = &tracer;
                s.spawn(move || {
                    let mut v = Vec::new_in(tracer);
                    for i in 0..1000 {
                        v.push(t * 1000 + i);
                    }
                    v
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    let stats = arena.stats();
    let live: usize = vecs.iter().map(|v| v.capacity() * size_of::<u64>()).sum();
    result(format_args!(
        "4 Vecs of 1000 u64 came back to the main thread: {} grows in place, {} moved \
         (a grow moves when another thread's block, or the chunk's end, is in the way)",
        ledger.grows_in_place.load(Relaxed),
        ledger.grows_moved.load(Relaxed)
    ));
    result(format_args!(
        "the arena has {} chunks and {} B handed out: {live} B of final buffers, {} B of \
         old buffers left behind by the moves (freed only when the arena resets)",
        stats.chunks,
        stats.allocated,
        stats.allocated - live
    ));
    drop(vecs);

    say("A LocalArena claims a slab of the arena with one swap, then bumps inside it with");
    say("no atomic instruction at all, as fast as a Bump; its values outlive the handle:");
    let total: u64 = std::thread::scope(|s| {
        let workers: std::vec::Vec<_> = (0..2u64)
            .map(|t| {
                let arena = &arena;
                s.spawn(move || {
                    let local = arena.local();
                    let powers = local.alloc_slice_copy(&[t, t * t, t * t * t]);
                    powers.iter().sum::<u64>()
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).sum()
    });
    result(format_args!("two workers' results summed: {total}"));
}
