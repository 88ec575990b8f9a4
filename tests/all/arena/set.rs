//! `ArenaSet`: arenas checked out, reset on return and reused.
//!
//! - a returned arena is reset (one chunk kept, nothing allocated) and handed out again;
//! - arenas checked out at the same time are distinct;
//! - in steady state (after a few rounds of the same work) a checkout, the work and the
//!   return take nothing from the parent;
//! - `preallocate` makes the first rounds free too;
//! - threads check arenas out of one set at once;
//! - dropping the set gives every chunk back.

use allockit::arena::{ArenaSet, Stats};
use allockit::{Arena, String, Vec};

use super::{FIRST_BLOCK, HEADER, block_sizes};
use crate::common::test_alloc::TestAlloc;

/// One request's worth of allocations: a growing vector, a string and some values.
fn request_work<A: allockit::alloc::Allocator>(arena: &Arena<A>, seed: u64) -> u64 {
    let mut v: Vec<u64, &Arena<A>> = Vec::new_in(arena);
    v.extend((0..700).map(|i| i ^ seed));
    let mut s = String::new_in(arena);
    for i in 0..50 {
        s.push_str(&format!("{i},"));
    }
    let values: std::vec::Vec<&mut u64> = (0..100).map(|i| arena.alloc(i * seed)).collect();
    v.iter().sum::<u64>() + s.len() as u64 + values.iter().map(|x| **x).sum::<u64>()
}

#[test]
#[cfg_attr(asan, ignore = "red zones change the byte counts")]
fn a_returned_arena_is_reset_and_handed_out_again() {
    let set = ArenaSet::new();
    assert_eq!(set.idle(), 0);
    let first = {
        let arena = set.checkout();
        assert_eq!(arena.stats(), Stats::default(), "a new arena");
        let x = arena.alloc(1u64) as *mut u64;
        for i in 0..5000u32 {
            arena.alloc(i);
        }
        assert!(arena.stats().chunks > 1);
        x
    };
    assert_eq!(set.idle(), 1);
    let largest = set.idle_reserved();
    assert_eq!(largest, block_sizes().nth(5).unwrap(), "the largest of six chunks is kept");
    let arena = set.checkout();
    assert_eq!(set.idle(), 0);
    let s = arena.stats();
    assert_eq!((s.allocated, s.chunks, s.reserved), (0, 1, largest));
    let again = arena.alloc(2u64) as *mut u64;
    assert_ne!(again, first, "the kept chunk is the largest, not the first");
    assert_eq!(arena.stats().allocated, 8);
    drop(arena);
    let arena = set.checkout();
    assert_eq!(arena.alloc(3u64) as *mut u64, again, "the same chunk from its start");
}

#[test]
#[cfg_attr(asan, ignore = "red zones change the byte counts")]
fn arenas_out_at_the_same_time_are_distinct() {
    let set = ArenaSet::new();
    let a = set.checkout();
    let b = set.checkout();
    let x = a.alloc(1u32);
    let y = b.alloc_str("bee");
    assert_eq!((a.stats().allocated, b.stats().allocated), (4, 3));
    assert_eq!((*x, &*y), (1, "bee"));
    drop(a);
    assert_eq!(set.idle(), 1);
    drop(b);
    assert_eq!(set.idle(), 2);
    assert_eq!(set.idle_reserved(), 2 * FIRST_BLOCK);
    let text = format!("{set:?}");
    assert!(text.contains("idle: 2"), "{text}");
}

#[test]
fn a_checked_out_arena_can_be_reset_and_limited_through_the_guard() {
    let set = ArenaSet::new();
    let mut arena = set.checkout();
    arena.alloc(1u8);
    arena.reset();
    assert_eq!(arena.stats().allocated, 0);
    arena.set_allocation_limit(Some(FIRST_BLOCK));
    assert!(arena.try_alloc([0u8; 1000]).is_err());
    assert!(format!("{arena:?}").starts_with("CheckedOut(Arena"));
}

#[test]
fn steady_state_takes_nothing_from_the_parent() {
    let parent = TestAlloc::new();
    let set = ArenaSet::new_in(&parent);
    let mut expected = None;
    for round in 0..5 {
        let arena = set.checkout();
        let sum = request_work(&arena, 3);
        assert_eq!(*expected.get_or_insert(sum), sum, "round {round}");
    }
    let warm = parent.stats();
    assert!(warm.allocate > 0);
    for _ in 0..50 {
        let arena = set.checkout();
        assert_eq!(request_work(&arena, 3), expected.unwrap());
    }
    let after = parent.stats();
    assert_eq!(after.calls(), warm.calls(), "the kept chunk served every request");
    assert_eq!(set.idle(), 1);
    // All the parent still has out is the idle arena's one chunk.
    assert_eq!(set.idle_reserved(), parent.live_bytes());
    assert_eq!(parent.stats().live_blocks, 1);
    drop(set);
    parent.assert_no_leaks();
}

#[test]
#[cfg_attr(asan, ignore = "red zones change the byte counts")]
fn preallocated_arenas_serve_the_first_requests() {
    let parent = TestAlloc::new();
    let set = ArenaSet::new_in(&parent);
    set.preallocate(3, 64 << 10);
    assert_eq!(set.idle(), 3);
    assert_eq!(parent.stats().allocate, 3);
    let each = HEADER + (64 << 10) + 32;
    assert_eq!(set.idle_reserved(), 3 * each);
    let calls = parent.stats().calls();
    {
        let a = set.checkout();
        let b = set.checkout();
        let c = set.checkout();
        for arena in [&a, &b, &c] {
            assert!(arena.stats().capacity >= 64 << 10);
            request_work(arena, 1);
            arena.alloc_slice_copy(&[0u8; 40_000]);
            assert_eq!(arena.stats().chunks, 1);
        }
    }
    assert_eq!(parent.stats().calls(), calls, "no request reached the parent");
    assert_eq!(set.idle(), 3);
    drop(set);
    parent.assert_no_leaks();
}

#[test]
fn threads_check_out_arenas_of_one_set() {
    let parent = TestAlloc::new();
    let set = ArenaSet::new_in(&parent);
    std::thread::scope(|s| {
        for t in 0..4u64 {
            let set = &set;
            s.spawn(move || {
                for round in 0..40 {
                    let arena = set.checkout();
                    assert_eq!(arena.stats().allocated, 0, "a returned arena was not reset");
                    let tag = (t << 8) | round;
                    let mut v: Vec<u64, &Arena<&TestAlloc>> = Vec::new_in(&arena);
                    v.extend((0..300).map(|i| tag * 1000 + i));
                    std::thread::yield_now();
                    // Nobody else wrote into this arena while it was checked out.
                    assert!(v.iter().copied().eq((0..300).map(|i| tag * 1000 + i)));
                    if !cfg!(asan) {
                        // (Under `cfg(asan)` the buffer is followed by a red zone.)
                        assert_eq!(arena.stats().allocated, v.capacity() * 8);
                    }
                }
            });
        }
    });
    let idle = set.idle();
    assert!((1..=4).contains(&idle), "{idle}");
    drop(set);
    parent.assert_no_leaks();
}

#[test]
fn a_limit_set_during_a_checkout_does_not_outlive_it() {
    let set = ArenaSet::new();
    {
        let arena = set.checkout();
        arena.set_allocation_limit(Some(0));
        assert!(arena.try_alloc(1u8).is_err());
    }
    let arena = set.checkout();
    assert_eq!(arena.allocation_limit(), None, "a returned arena should come back unlimited");
    assert!(arena.try_alloc([0u8; 1000]).is_ok());
}
