//! The direct API of `Arena`: `alloc`, `alloc_with`, `alloc_slice_copy`, `alloc_str` and
//! their `try_` forms.
//!
//! - values land aligned, distinct and writable, and are never dropped;
//! - the `try_` forms fail with `Err` and no side effect once the allocation limit is
//!   reached (no closure called, the value dropped, statistics unchanged), and succeed
//!   again when the limit is lifted;
//! - values can be placed from several threads at once and handed back.

use std::cell::Cell;
use std::mem::align_of;

use allockit::Arena;
use allockit::arena::Stats;

use crate::common::drop_counter::{self, Counts, Tracked};
use crate::common::panics::catch;

/// A type with a large alignment.
#[derive(Clone, Copy, Debug, PartialEq)]
#[repr(align(64))]
struct Wide(u8);

fn addr<T: ?Sized>(r: &T) -> usize {
    (r as *const T).cast::<u8>() as usize
}

#[test]
fn values_are_aligned_distinct_and_writable() {
    let arena = Arena::new();
    let a = arena.alloc(1u8);
    let b = arena.alloc(2u64);
    let c = arena.alloc(3u16);
    let d = arena.alloc([4u32; 3]);
    let e = arena.alloc(5u128);
    let f = arena.alloc(Wide(6));
    *a += 10;
    *b += 10;
    *c += 10;
    d[2] += 10;
    *e += 10;
    f.0 += 10;
    assert_eq!((*a, *b, *c, *d, *e, *f), (11, 12, 13, [4, 4, 14], 15, Wide(16)));
    assert_eq!(addr(b) % align_of::<u64>(), 0);
    assert_eq!(addr(c) % align_of::<u16>(), 0);
    assert_eq!(addr(d) % align_of::<u32>(), 0);
    assert_eq!(addr(e) % align_of::<u128>(), 0);
    assert_eq!(addr(f) % 64, 0);
    let mut spans =
        [(addr(a), 1), (addr(b), 8), (addr(c), 2), (addr(d), 12), (addr(e), 16), (addr(f), 64)];
    spans.sort_unstable();
    assert!(spans.windows(2).all(|w| w[0].0 + w[0].1 <= w[1].0), "{spans:x?}");
}

#[test]
#[cfg_attr(asan, ignore = "red zones change the byte counts")]
fn alloc_with_builds_the_value_in_the_arena() {
    let arena = Arena::new();
    let calls = Cell::new(0);
    let big = arena.alloc_with(|| {
        calls.set(calls.get() + 1);
        [9u8; 10_000]
    });
    assert_eq!(calls.get(), 1);
    assert!(big.iter().all(|&b| b == 9));
    big[9_999] = 1;
    assert_eq!(big[9_999], 1);
    let small = arena.try_alloc_with(|| 5u32).unwrap();
    assert_eq!(*small, 5);
    assert_eq!(arena.stats().allocated, 10_000 + 4, "no padding: 10 000 is a multiple of 4");
}

#[test]
#[cfg_attr(asan, ignore = "red zones change the byte counts")]
fn a_panicking_initialiser_leaves_the_arena_usable() {
    let arena = Arena::new();
    let caught = catch(|| arena.alloc_with(|| -> u64 { panic!("no value") }));
    assert_eq!(caught.unwrap_err(), "no value");
    assert_eq!(arena.stats().allocated, 8, "the block stays allocated, unused");
    assert_eq!(*arena.alloc(3u64), 3);
    arena.check_invariants();
}

#[test]
#[cfg_attr(asan, ignore = "red zones change the byte counts")]
fn slices_and_strings_are_copied() {
    let arena = Arena::new();
    let src = [1u32, 2, 3, 4];
    let copy = arena.alloc_slice_copy(&src);
    copy[0] = 10;
    assert_eq!(copy, [10, 2, 3, 4]);
    assert_eq!(src, [1, 2, 3, 4]);
    assert_eq!(addr(copy) % 4, 0);
    let text = "grüße, 世界 😀";
    let s = arena.alloc_str(text);
    assert_eq!(s, text);
    s.make_ascii_uppercase();
    assert_eq!(s, "GRüßE, 世界 😀");
    let t = arena.try_alloc_str("again").unwrap();
    assert_eq!(t, "again");
    let u = arena.try_alloc_slice_copy(&[7u16; 5]).unwrap();
    assert_eq!(u, [7; 5]);
    // The u16s after one byte of padding.
    assert_eq!(arena.stats().allocated, 16 + text.len() + "again".len() + 1 + 10);
    assert_eq!(text.len(), 20);
}

#[test]
fn empty_and_zero_sized_values_take_no_chunk() {
    let arena = Arena::new();
    let unit = arena.alloc(());
    let empty: &mut [u64] = arena.alloc_slice_copy(&[]);
    let none = arena.alloc_str("");
    let zsts = arena.alloc_slice_copy(&[(); 1000]);
    let aligned = arena.alloc([Wide(0); 0]);
    assert_eq!(*unit, ());
    assert_eq!((empty.len(), &*none, zsts.len()), (0, "", 1000));
    assert_eq!(addr(empty) % 8, 0);
    assert_eq!(addr(aligned) % 64, 0);
    assert_eq!(arena.stats(), Stats::default());
}

#[test]
fn values_are_never_dropped() {
    drop_counter::reset();
    {
        let arena = Arena::new();
        let t = arena.alloc(Tracked::new(1));
        assert_eq!(t.value(), 1);
        arena.alloc_with(|| Tracked::new(2));
        arena.try_alloc(Tracked::new(3)).unwrap();
    }
    assert_eq!(drop_counter::counts(), Counts { created: 3, dropped: 0 });
    drop_counter::reset();
}

// ---------------------------------------------------------------------------------------
// The try_ forms at the limit
// ---------------------------------------------------------------------------------------

/// Every `try_` form of the direct API fails without a trace (no closure call, the value
/// dropped, statistics unchanged).
#[track_caller]
fn assert_every_try_fails(arena: &Arena) {
    drop_counter::reset();
    let before = arena.stats();
    assert!(arena.try_alloc(Tracked::new(1)).is_err());
    assert_eq!(drop_counter::counts(), Counts { created: 1, dropped: 1 }, "value dropped");
    let called = Cell::new(false);
    assert!(
        arena
            .try_alloc_with(|| {
                called.set(true);
                [0u64; 64]
            })
            .is_err()
    );
    assert!(!called.get(), "the initialiser ran although there was no room");
    assert!(arena.try_alloc_slice_copy(&[1u64; 64]).is_err());
    assert!(arena.try_alloc_str(&"x".repeat(600)).is_err());
    assert_eq!(arena.stats(), before);
    arena.check_invariants();
}

#[test]
fn try_forms_fail_cleanly_under_a_zero_limit() {
    let arena = Arena::new();
    arena.set_allocation_limit(Some(0));
    assert_every_try_fails(&arena);
    assert!(arena.try_alloc(1u8).is_err());
    assert_eq!(arena.stats(), Stats::default());
    arena.set_allocation_limit(None);
    assert_eq!(*arena.try_alloc(1u8).unwrap(), 1);
}

#[test]
#[cfg_attr(asan, ignore = "red zones change the byte counts")]
fn try_forms_fail_cleanly_in_a_full_chunk() {
    let arena = Arena::new();
    arena.alloc(0u8);
    arena.set_allocation_limit(Some(arena.stats().reserved));
    let mut bytes = 1;
    while arena.try_alloc(0u8).is_ok() {
        bytes += 1;
    }
    assert_eq!(bytes, arena.stats().capacity, "every byte of the chunk was handed out");
    assert_eq!(arena.stats().allocated, bytes);
    assert_every_try_fails(&arena);
    assert!(arena.try_alloc_str("a").is_err());
    assert!(arena.try_alloc_slice_copy(&[1u8]).is_err());
    // Zero-sized values still succeed: they take no room.
    assert!(arena.try_alloc(()).is_ok());
    assert!(arena.try_alloc_str("").is_ok());
    arena.set_allocation_limit(None);
    assert_eq!(arena.try_alloc_str("fits").unwrap(), "fits");
    assert_eq!(arena.stats().chunks, 2);
}

// ---------------------------------------------------------------------------------------
// Threads
// ---------------------------------------------------------------------------------------

#[test]
fn values_placed_by_many_threads_are_distinct() {
    let arena = Arena::new();
    let placed: Vec<Vec<&mut u64>> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..4u64)
            .map(|t| {
                let arena = &arena;
                s.spawn(move || (0..2000).map(|i| arena.alloc((t << 32) | i)).collect::<Vec<_>>())
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    let mut addrs = Vec::new();
    for (t, values) in placed.iter().enumerate() {
        for (i, v) in values.iter().enumerate() {
            assert_eq!(**v, ((t as u64) << 32) | i as u64);
            addrs.push(addr(&**v));
        }
    }
    addrs.sort_unstable();
    assert!(addrs.windows(2).all(|w| w[0] + 8 <= w[1]), "two values overlap");
    assert!(addrs.iter().all(|a| a % 8 == 0));
    if !cfg!(asan) {
        // (Under `cfg(asan)` each value is followed by a red zone.)
        assert_eq!(arena.stats().allocated, 4 * 2000 * 8, "u64s need no padding");
    }
    arena.check_invariants();
}
