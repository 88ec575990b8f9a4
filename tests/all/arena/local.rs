//! `LocalArena`: a per-thread handle that claims slabs (4 KiB, doubling up to 64 KiB) from
//! the arena and bumps inside them.
//!
//! - the arena counts a handle's whole slab as allocated; when the handle is dropped, the
//!   unused tail goes back, unless another block followed the slab;
//! - values placed through the handle outlive it;
//! - a request too big for a quarter of the next slab goes to the arena directly, and
//!   the handle keeps its slab;
//! - the newest block of the slab grows, shrinks and frees in place;
//! - near the allocation limit, a request that fits when a whole slab does not still
//!   succeeds.

use std::ptr;

use allockit::alloc::{Allocator, Layout};
use allockit::arena::{LocalArena, Stats};
use allockit::{Arena, Vec};

use crate::common::test_alloc::TestAlloc;

const SLAB: usize = 4096;

fn addr<T: ?Sized>(r: *const T) -> usize {
    r.cast::<u8>() as usize
}

#[repr(align(64))]
struct Wide(#[allow(dead_code)] u8);

#[test]
#[cfg_attr(asan, ignore = "red zones change the byte counts")]
fn the_first_allocation_claims_a_slab_and_drop_gives_the_tail_back() {
    let parent = TestAlloc::new();
    let arena = Arena::new_in(&parent);
    let local = arena.local();
    assert!(ptr::eq(local.arena(), &arena));
    assert_eq!(arena.stats(), Stats::default(), "a handle takes nothing until it allocates");
    let x = local.alloc(5u32);
    assert_eq!(arena.stats().allocated, SLAB, "the whole slab counts as allocated");
    let y = local.alloc(6u32);
    assert_eq!(addr(y), addr(x) + 4, "bumped inside the slab");
    assert_eq!(arena.stats().allocated, SLAB);
    drop(local);
    assert_eq!(arena.stats().allocated, 8, "the slab's unused tail went back");
    assert_eq!((*x, *y), (5, 6), "the values outlive the handle");
    assert_eq!(arena.stats().reserved, parent.live_bytes());
    arena.check_invariants();
}

#[test]
#[cfg_attr(asan, ignore = "red zones change the byte counts")]
fn the_tail_is_given_back_when_the_arena_was_used_first() {
    let arena = Arena::new();
    arena.alloc(1u8);
    let before = arena.stats().allocated;
    {
        let local = arena.local();
        assert_eq!(*local.alloc(5u32), 5);
    }
    // Nothing was allocated after the slab: its tail should be back, leaving the value
    // (after 3 bytes of padding at most).
    let after = arena.stats().allocated;
    assert!(after <= before + 16, "{before} -> {after}: the slab's tail was not given back");
}

#[test]
#[cfg_attr(asan, ignore = "red zones change the byte counts")]
fn a_block_after_the_slab_keeps_the_tail_in_use() {
    let arena = Arena::new();
    let local = arena.local();
    local.alloc(1u32);
    arena.alloc(1u8);
    drop(local);
    assert_eq!(arena.stats().allocated, SLAB + 1);
    arena.check_invariants();
}

#[test]
#[cfg_attr(asan, ignore = "red zones change the byte counts")]
fn values_outlive_the_handle() {
    let arena = Arena::new();
    let (n, s, xs, w) = {
        let local = arena.local();
        (
            local.alloc(3u64),
            local.alloc_str("kept"),
            local.alloc_slice_copy(&[1i32, 2, 3]),
            local.alloc_with(|| [7u8; 3]),
        )
    };
    *n += 1;
    s.make_ascii_uppercase();
    xs[0] = 10;
    assert_eq!((*n, &*s, &*xs, *w), (4, "KEPT", &[10, 2, 3][..], [7; 3]));
    assert_eq!(arena.stats().allocated, 8 + 4 + 12 + 3);
    let more = arena.local().try_alloc(9u16).unwrap();
    assert_eq!(*more, 9);
}

#[test]
#[cfg_attr(asan, ignore = "red zones change the byte counts")]
fn slabs_double_up_to_64_kib() {
    let arena = Arena::new();
    let local = arena.local();
    // Each slab claim shows as a jump of the arena's `allocated` (slabs may be adjacent,
    // so addresses alone do not tell where one ends).
    let mut slabs = std::vec::Vec::new();
    let mut total = 0;
    while slabs.len() < 6 {
        local.alloc(0u8);
        let allocated = arena.stats().allocated;
        if allocated != total {
            slabs.push(allocated - total);
            total = allocated;
        }
    }
    assert_eq!(slabs, [SLAB, 2 * SLAB, 4 * SLAB, 8 * SLAB, 16 * SLAB, 16 * SLAB]);
    arena.check_invariants();
}

#[test]
#[cfg_attr(asan, ignore = "red zones change the byte counts")]
fn a_big_request_skips_the_slab_and_the_handle_keeps_it() {
    let arena = Arena::new();
    let local = arena.local();
    // No slab yet, and 2000 bytes are more than a quarter of the first slab: straight
    // to the arena.
    let big = local.alloc_slice_copy(&[1u8; 2000]);
    assert_eq!(arena.stats().allocated, 2000);
    assert_eq!(format!("{local:?}"), "LocalArena { slab_room: 0, .. }");
    let a = local.alloc(0u8);
    assert_eq!(arena.stats().allocated, 2000 + SLAB);
    for _ in 0..3 {
        local.alloc_slice_copy(&[2u8; 1000]);
    }
    let b = addr(local.alloc(0u8));
    assert_eq!(b, addr(a) + 3001);
    // 3000 bytes do not fit the 1094 left, and are more than a quarter of the next slab
    // (8 KiB): the arena serves them and the handle stays in its slab.
    let other = local.alloc_slice_copy(&[3u8; 3000]);
    assert_eq!(arena.stats().allocated, 2000 + SLAB + 3000);
    assert_eq!(addr(local.alloc(0u8)), b + 1);
    assert!(big.iter().all(|&x| x == 1) && other.iter().all(|&x| x == 3));
}

#[test]
#[cfg_attr(asan, ignore = "red zones change the byte counts")]
fn an_over_aligned_request_without_a_slab_goes_to_the_arena() {
    let arena = Arena::new();
    let local = arena.local();
    let w = local.alloc(Wide(1));
    assert_eq!(addr(w) % 64, 0);
    // The chunk's block is 64-aligned for the request, so its data (after the 48-byte
    // header) starts 16 bytes short of the next multiple of 64.
    assert_eq!(arena.stats().allocated, 16 + 64);
    assert_eq!(format!("{local:?}"), "LocalArena { slab_room: 0, .. }");
}

#[test]
#[cfg_attr(asan, ignore = "red zones change the byte counts")]
fn a_vec_grows_in_place_in_the_slab() {
    let arena = Arena::new();
    let local = arena.local();
    let mut v: Vec<u8, &LocalArena> = Vec::new_in(&local);
    v.push(0);
    let ptr = v.as_ptr();
    for i in 1..SLAB {
        v.push(i as u8);
        assert_eq!(v.as_ptr(), ptr);
    }
    assert_eq!(v.capacity(), SLAB);
    assert_eq!(arena.stats().allocated, SLAB, "no allocation reached the arena");
    // Past the slab, the buffer moves (to the arena: 8 KiB is a big request), and its
    // old room goes back to the slab.
    v.push(0);
    assert_ne!(v.as_ptr(), ptr);
    assert!(v[..SLAB].iter().enumerate().all(|(i, &b)| b == i as u8));
    assert_eq!(arena.stats().allocated, SLAB + 2 * SLAB);
    assert_eq!(addr(local.alloc(1u8)), addr(ptr), "the slab is free again");
}

#[test]
#[cfg_attr(asan, ignore = "red zones change the byte counts")]
fn the_newest_slab_block_grows_shrinks_and_frees_in_place() {
    let arena = Arena::new();
    let local = arena.local();
    let h = &local;
    let layout = |size| Layout::from_size_align(size, 8).unwrap();
    let a = h.allocate(layout(24)).unwrap().cast::<u8>();
    // SAFETY: `a` is live with 24 bytes; 64 is larger.
    let grown = unsafe { h.grow(a, layout(24), layout(64)) }.unwrap();
    assert_eq!((grown.cast::<u8>(), grown.len()), (a, 64));
    // SAFETY: as above, smaller.
    let shrunk = unsafe { h.shrink(a, layout(64), layout(16)) }.unwrap();
    assert_eq!(shrunk.cast::<u8>(), a);
    let b = h.allocate(layout(8)).unwrap().cast::<u8>();
    assert_eq!(addr(b.as_ptr()), addr(a.as_ptr()) + 16, "the shrunk tail is reused");
    // SAFETY: `b` is live with 8 bytes and the slab's newest block.
    unsafe { h.deallocate(b, layout(8)) };
    let c = h.allocate(layout(8)).unwrap().cast::<u8>();
    assert_eq!(c, b, "the freed newest block is handed out again");
    // `a` is no longer the newest: growing it copies.
    // SAFETY: 16 writable bytes of `a`.
    unsafe { a.as_ptr().write_bytes(0x5A, 16) };
    // SAFETY: `a` is live with 16 bytes.
    let moved = unsafe { h.grow(a, layout(16), layout(32)) }.unwrap().cast::<u8>();
    assert_ne!(moved, a);
    // SAFETY: the first 16 bytes were copied.
    assert_eq!(unsafe { std::slice::from_raw_parts(moved.as_ptr(), 16) }, [0x5A; 16]);
    assert_eq!(arena.stats().allocated % 8, 0);
    arena.check_invariants();
}

#[test]
#[cfg_attr(asan, ignore = "red zones change the byte counts")]
fn near_the_limit_a_request_that_fits_still_succeeds() {
    let parent = TestAlloc::new();
    let arena = Arena::new_in(&parent);
    arena.set_allocation_limit(Some(1024));
    let local = arena.local();
    assert_eq!(*local.alloc(7u64), 7, "no room for a slab, room for the value");
    assert_eq!(arena.stats().allocated, 8);
    assert_eq!(arena.stats().reserved, 496);
    assert_eq!(*local.alloc(8u64), 8);
    assert_eq!(arena.stats().allocated, 16);
    assert!(local.try_alloc([0u8; 2000]).is_err());
    assert!(arena.stats().reserved <= 1024);
    assert_eq!(arena.stats().reserved, parent.live_bytes());
}

#[test]
fn a_zero_limit_fails_cleanly() {
    let arena = Arena::new();
    arena.set_allocation_limit(Some(0));
    let local = arena.local();
    assert!(local.try_alloc(1u8).is_err());
    assert!((&local).allocate(Layout::new::<u64>()).is_err());
    assert_eq!(arena.stats(), Stats::default());
}

#[test]
fn handles_on_several_threads_share_one_arena() {
    let arena = Arena::new();
    let results: std::vec::Vec<&[u64]> = std::thread::scope(|s| {
        let workers: std::vec::Vec<_> = (0..4u64)
            .map(|t| {
                let local = arena.local(); // made here, moved to the worker (`Send`)
                s.spawn(move || {
                    let mut scratch: Vec<u64, &LocalArena> = Vec::new_in(&local);
                    scratch.extend((0..1000).map(|i| t * 10_000 + i));
                    &*local.alloc_slice_copy(&scratch)
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    for (t, r) in results.iter().enumerate() {
        assert!(r.iter().copied().eq((0..1000).map(|i| t as u64 * 10_000 + i)));
    }
    let mut spans: std::vec::Vec<_> = results.iter().map(|r| (addr(*r), addr(*r) + 8000)).collect();
    spans.sort_unstable();
    assert!(spans.windows(2).all(|w| w[0].1 <= w[1].0));
    arena.check_invariants();
}
