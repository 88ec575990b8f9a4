//! The life of a `Bump`'s memory: capacity constructors, `reset` and `reset_keep_chunks`,
//! scopes, the allocation limit, exact statistics and the chunk walk, chunk sizing (growth,
//! cap, fallback when the parent refuses), `Drop`, and `Send`.
//!
//! The parent is a [`TestAlloc`] where its counters prove a point (what was taken, what
//! was given back), and [`Gate`] where chunks are large: it refuses requests above a size
//! and logs every request, without touching the memory it hands out.
//!
//! Exact byte counts assume blocks without red zones, so those tests are skipped under
//! `cfg(asan)`.

use std::cell::RefCell;
use std::ptr::NonNull;

use allockit::alloc::{AllocError, Allocator, Global, Layout};
use allockit::bump::{ChunkInfo, ChunkRole};
use allockit::{Bump, TryReserveErrorKind, Vec};

use crate::common::panics::catch;
use crate::common::test_alloc::TestAlloc;

/// What `next_chunk_size` adds up to before subtracting: chunk sizes are powers of two
/// minus this malloc overhead.
const OVERHEAD: usize = 16;
/// The cap on chunk sizes (before subtracting the overhead).
const CAP: usize = 16 << 20;

/// A parent that refuses requests above `max` bytes and logs each request as
/// `(size, granted)`. Blocks come from `Global`, untouched.
pub struct Gate {
    max: usize,
    log: RefCell<std::vec::Vec<(usize, bool)>>,
    live: RefCell<usize>,
}

impl Gate {
    pub fn new(max: usize) -> Self {
        Gate { max, log: RefCell::new(std::vec::Vec::new()), live: RefCell::new(0) }
    }

    pub fn log(&self) -> std::vec::Vec<(usize, bool)> {
        self.log.borrow().clone()
    }

    pub fn live(&self) -> usize {
        *self.live.borrow()
    }
}

// SAFETY: every block comes from `Global` with the same layout and goes back to it.
unsafe impl Allocator for Gate {
    fn allocate(&self, layout: Layout) -> Result<NonNull<[u8]>, AllocError> {
        let granted = layout.size() <= self.max;
        self.log.borrow_mut().push((layout.size(), granted));
        if !granted {
            return Err(AllocError);
        }
        let block = Global.allocate(layout)?;
        *self.live.borrow_mut() += layout.size();
        Ok(block)
    }

    unsafe fn deallocate(&self, ptr: NonNull<u8>, layout: Layout) {
        *self.live.borrow_mut() -= layout.size();
        // SAFETY: allocated above by `Global` with `layout` (caller's contract).
        unsafe { Global.deallocate(ptr, layout) };
    }
}

fn chunks<A: Allocator>(bump: &Bump<A>) -> std::vec::Vec<ChunkInfo> {
    bump.chunks().collect()
}

fn roles<A: Allocator>(bump: &Bump<A>) -> std::vec::Vec<ChunkRole> {
    bump.chunks().map(|c| c.role).collect()
}

/// Allocates `u64`s until the bump has `n` chunks.
fn grow_to<A: Allocator>(bump: &Bump<A>, n: usize) {
    while bump.stats().chunks < n {
        bump.alloc(0u64);
    }
}

/// The bytes of a chunk's block in front of its data (the header).
fn header_size() -> usize {
    let bump = Bump::new();
    bump.alloc(0u8);
    let c = bump.chunks().next().unwrap();
    c.block_size - c.capacity
}

/// The block size of the first chunk of a bump made with `new`.
fn first_block_size() -> usize {
    let bump = Bump::new();
    bump.alloc(0u8);
    bump.stats().reserved
}

// ---------------------------------------------------------------------------------------
// Capacity constructors
// ---------------------------------------------------------------------------------------

#[test]
fn with_capacity_takes_one_chunk_that_holds_the_capacity() {
    let parent = TestAlloc::new();
    let bump = Bump::try_with_capacity_in(10_000, &parent).unwrap();
    let s = bump.stats();
    assert_eq!((s.chunks, s.allocated), (1, 0));
    assert!(s.capacity >= 10_000);
    assert_eq!(s.reserved, parent.live_bytes());
    assert_eq!(parent.stats().allocate, 1);
    bump.alloc_layout(Layout::from_size_align(10_000, 1).unwrap());
    assert_eq!(bump.stats().chunks, 1);
    assert_eq!(parent.stats().allocate, 1);
    bump.check_invariants();
    drop(bump);
    parent.assert_no_leaks();

    let zero = Bump::try_with_capacity_in(0, &parent).unwrap();
    assert_eq!(zero.stats(), Default::default());
    assert_eq!(Bump::with_capacity(0).stats(), Default::default());
    let b = Bump::with_capacity(1 << 20);
    assert!(b.stats().capacity >= 1 << 20);
    assert_eq!(b.stats().chunks, 1);
    b.check_invariants();
}

#[test]
fn try_with_capacity_in_reports_overflow_and_refusal() {
    let parent = TestAlloc::new();
    for capacity in [usize::MAX, isize::MAX as usize, isize::MAX as usize - 20] {
        let err = Bump::try_with_capacity_in(capacity, &parent).unwrap_err();
        assert_eq!(err.kind(), TryReserveErrorKind::CapacityOverflow, "capacity {capacity}");
    }
    assert_eq!(parent.stats().requests(), 0, "an overflowing capacity never reaches the parent");

    parent.fail_all();
    let err = Bump::try_with_capacity_in(1 << 16, &parent).unwrap_err();
    match err.kind() {
        TryReserveErrorKind::AllocError { layout } => assert!(layout.size() >= 1 << 16),
        other => panic!("expected AllocError, got {other:?}"),
    }
    assert!(parent.stats().failed >= 1);
    parent.assert_no_leaks();

    // A capacity the parent cannot provide even after falling back.
    let gate = Gate::new(4096);
    let err = Bump::try_with_capacity_in(5000, &gate).unwrap_err();
    assert!(matches!(err.kind(), TryReserveErrorKind::AllocError { .. }));
    assert_eq!(gate.live(), 0);
    assert!(gate.log().iter().all(|&(size, granted)| !granted && size > 5000));
}

#[test]
fn with_capacity_panics_on_overflow() {
    let msg = crate::common::panics::expect_panic(|| Bump::with_capacity(usize::MAX));
    assert_eq!(msg, "capacity overflow");
}

// ---------------------------------------------------------------------------------------
// reset / reset_keep_chunks
// ---------------------------------------------------------------------------------------

#[test]
fn reset_keeps_only_the_largest_chunk() {
    let parent = TestAlloc::new();
    let mut bump = Bump::new_in(&parent);
    grow_to(&bump, 5);
    let before = chunks(&bump);
    let largest = before.iter().map(|c| c.block_size).max().unwrap();
    assert_eq!(before.last().unwrap().block_size, largest);
    assert_eq!(parent.stats().live_blocks, 5);

    bump.reset();
    let after = chunks(&bump);
    assert_eq!(after.len(), 1);
    assert_eq!(after[0].block_size, largest);
    assert_eq!(after[0].data_start, before.last().unwrap().data_start);
    assert_eq!((after[0].role, after[0].allocated), (ChunkRole::Current, 0));
    assert_eq!(bump.stats().reserved, largest);
    assert_eq!(parent.live_bytes(), largest);
    assert_eq!(parent.stats().deallocate, 4);
    bump.check_invariants();

    // Allocation starts over at the beginning of the kept chunk.
    let p = bump.alloc(1u64) as *mut u64 as usize;
    assert_eq!(p, after[0].data_start as usize);
    assert_eq!(parent.stats().allocate, 5);

    // Resetting an empty bump or a one-chunk bump changes nothing else.
    bump.reset();
    bump.reset();
    assert_eq!(chunks(&bump).len(), 1);
    let mut empty = Bump::new_in(&parent);
    empty.reset();
    empty.reset_keep_chunks();
    assert_eq!(empty.stats(), Default::default());
    empty.check_invariants();
    drop((bump, empty));
    parent.assert_no_leaks();
}

#[test]
fn reset_keeps_the_largest_chunk_even_when_it_is_not_the_newest() {
    let gate = Gate::new(usize::MAX);
    let mut bump = Bump::new_in(&gate);
    bump.alloc(0u64);
    // A request above the cap gets a chunk of its own; the next chunk is capped below it.
    let big = 17 << 20;
    bump.alloc_layout(Layout::from_size_align(big, 1).unwrap());
    bump.alloc_layout(Layout::from_size_align(64, 1).unwrap());
    let before = chunks(&bump);
    assert_eq!(before.len(), 3);
    assert!(before[1].capacity >= big);
    assert!(before[2].block_size < before[1].block_size);
    bump.reset();
    let after = chunks(&bump);
    assert_eq!(after.len(), 1);
    assert_eq!(after[0].data_start, before[1].data_start);
    assert_eq!(gate.live(), before[1].block_size);
    bump.check_invariants();
    drop(bump);
    assert_eq!(gate.live(), 0);
}

#[test]
fn reset_keep_chunks_reaches_a_steady_state() {
    let parent = TestAlloc::new();
    let mut bump = Bump::new_in(&parent);
    let mut first_round = None;
    for round in 0..8 {
        // A mixed workload: small values, strings, and a growing Vec that has to move
        // between chunks.
        for i in 0..2000u64 {
            bump.alloc(i);
            if i % 50 == 0 {
                bump.alloc_str("a string in the bump");
            }
        }
        {
            let mut v: Vec<u32, &Bump<&TestAlloc>> = Vec::new_in(&bump);
            v.extend(0..3000);
            bump.alloc(1u8);
            v.extend(0..3000);
            assert_eq!(v.len(), 6000);
        }
        bump.check_invariants();
        let taken = (parent.stats().allocate, bump.stats());
        match first_round {
            None => first_round = Some(taken),
            Some(first) => assert_eq!(taken, first, "round {round} asked the parent for more"),
        }
        let reserved = bump.stats().reserved;
        bump.reset_keep_chunks();
        let s = bump.stats();
        assert_eq!((s.allocated, s.reserved), (0, reserved));
        assert_eq!(parent.live_bytes(), reserved);
        let r = roles(&bump);
        assert_eq!(r[0], ChunkRole::Current);
        assert!(r[1..].iter().all(|&role| role == ChunkRole::Spare));
        bump.check_invariants();
    }
    assert!(first_round.unwrap().1.chunks > 3);
    drop(bump);
    parent.assert_no_leaks();
}

#[test]
fn spares_that_do_not_fit_are_skipped_and_kept() {
    let parent = TestAlloc::new();
    let mut bump = Bump::new_in(&parent);
    grow_to(&bump, 4);
    bump.reset_keep_chunks();
    let spares_before: std::vec::Vec<_> = chunks(&bump).iter().map(|c| c.data_start).collect();
    // Needs the fourth chunk: the second and third are skipped, not lost.
    let third_capacity = chunks(&bump)[2].capacity;
    bump.alloc_layout(Layout::from_size_align(third_capacity + 16, 1).unwrap());
    let after = chunks(&bump);
    assert_eq!(after.len(), 4);
    assert_eq!(parent.stats().allocate, 4, "a fitting spare was reused");
    assert_eq!(after[0].role, ChunkRole::Filled);
    assert_eq!(after[1].data_start, spares_before[3]);
    assert_eq!(after[1].role, ChunkRole::Current);
    assert_eq!(after[2].role, ChunkRole::Spare);
    assert_eq!(after[3].role, ChunkRole::Spare);
    // The skipped spares are used next.
    grow_to(&bump, 5);
    assert_eq!(parent.stats().allocate, 5);
    bump.check_invariants();
    drop(bump);
    parent.assert_no_leaks();
}

// ---------------------------------------------------------------------------------------
// Scopes
// ---------------------------------------------------------------------------------------

#[test]
fn scope_gives_back_everything_allocated_inside() {
    let parent = TestAlloc::new();
    let mut bump = Bump::new_in(&parent);
    bump.alloc(1u32);
    let before = bump.stats();
    let sum = bump.scope(|b| {
        let xs = b.alloc_slice_fill_with(100, |i| i as u64);
        let mut v: Vec<u8, &Bump<&TestAlloc>> = Vec::new_in(b);
        v.extend_from_slice(&[7; 300]);
        xs.iter().sum::<u64>() + v.len() as u64
    });
    assert_eq!(sum, 4950 + 300);
    assert_eq!(bump.stats().allocated, before.allocated);
    bump.check_invariants();
    drop(bump);
    parent.assert_no_leaks();
}

#[test]
fn chunks_taken_inside_a_scope_become_spares_and_are_reused() {
    let parent = TestAlloc::new();
    let mut bump = Bump::new_in(&parent);
    grow_to(&bump, 2);
    let before = bump.stats();
    let work = |b: &Bump<&TestAlloc>| {
        for i in 0..1500u64 {
            b.alloc(i);
        }
    };
    bump.scope(|b| {
        work(b);
        assert!(b.stats().chunks >= 4);
        assert!(b.chunks().take_while(|c| c.role == ChunkRole::Filled).count() >= 3);
    });
    let s = bump.stats();
    assert_eq!(s.allocated, before.allocated);
    assert!(s.chunks >= 4);
    let r = roles(&bump);
    assert_eq!(r[..2], [ChunkRole::Filled, ChunkRole::Current]);
    assert!(r[2..].iter().all(|&role| role == ChunkRole::Spare));
    bump.check_invariants();

    // The same work outside the scope needs nothing new from the parent.
    let taken = parent.stats().allocate;
    work(&bump);
    assert_eq!(parent.stats().allocate, taken);
    assert_eq!(bump.stats().chunks, s.chunks);
    bump.check_invariants();
    drop(bump);
    parent.assert_no_leaks();
}

#[test]
fn a_scope_on_a_fresh_bump_leaves_its_chunks_as_spares() {
    let parent = TestAlloc::new();
    let mut bump = Bump::new_in(&parent);
    // 1600 bytes: more than the first two chunks hold.
    let work = |b: &Bump<&TestAlloc>| {
        for i in 0..200u64 {
            b.alloc(i);
        }
    };
    bump.scope(work);
    let s = bump.stats();
    assert_eq!(s.allocated, 0);
    assert!(s.chunks >= 3);
    let r = roles(&bump);
    assert_eq!(r[0], ChunkRole::Current);
    assert!(r[1..].iter().all(|&role| role == ChunkRole::Spare));
    bump.check_invariants();
    work(&bump);
    assert_eq!(bump.stats().chunks, s.chunks);
    assert_eq!(parent.stats().allocate, s.chunks as u64);
}

#[test]
fn nested_scope_guards_rewind_level_by_level() {
    let mut bump = Bump::new();
    bump.alloc(1u8);
    let level0 = bump.stats().allocated;
    {
        let mut outer = bump.scope_guard();
        outer.alloc_slice_copy(&[1u64; 10]);
        let level1 = outer.stats().allocated;
        assert!(level1 > level0);
        {
            let mut inner = outer.scope_guard();
            inner.alloc_slice_copy(&[2u64; 1000]);
            let level2 = inner.stats().allocated;
            assert!(level2 > level1);
            let n = inner.scope(|b| {
                b.alloc_str("innermost");
                assert!(b.stats().allocated > level2);
                b.stats().chunks
            });
            assert!(n >= 2);
            assert_eq!(inner.stats().allocated, level2);
            inner.check_invariants();
        }
        assert_eq!(outer.stats().allocated, level1);
        let via_closure = outer.scope(|b| b.alloc_slice_copy(&[3u8; 5000]).len());
        assert_eq!(via_closure, 5000);
        assert_eq!(outer.stats().allocated, level1);
        outer.check_invariants();
    }
    assert_eq!(bump.stats().allocated, level0);
    bump.check_invariants();
}

#[test]
fn a_panic_inside_a_scope_still_rewinds() {
    let parent = TestAlloc::new();
    let mut bump = Bump::new_in(&parent);
    bump.alloc(1u64);
    let before = bump.stats().allocated;
    let msg = catch(|| {
        bump.scope(|b| -> u8 {
            b.alloc_slice_copy(&[9u8; 5000]);
            let mut v: Vec<u64, &Bump<&TestAlloc>> = Vec::new_in(b);
            v.extend(0..100);
            panic!("panic in scope");
        })
    })
    .unwrap_err();
    assert_eq!(msg, "panic in scope");
    assert_eq!(bump.stats().allocated, before);
    assert_eq!(roles(&bump)[..2], [ChunkRole::Current, ChunkRole::Spare]);
    bump.check_invariants();

    // And one level down.
    let mut outer = bump.scope_guard();
    outer.alloc(2u64);
    let level1 = outer.stats().allocated;
    let r = catch(|| {
        outer.scope(|b| -> u8 {
            b.alloc([0u8; 3000]);
            panic!("nested panic")
        })
    });
    assert!(r.is_err());
    assert_eq!(outer.stats().allocated, level1);
    outer.check_invariants();
    drop(outer);
    assert_eq!(bump.stats().allocated, before);
    drop(bump);
    parent.assert_no_leaks();
}

// ---------------------------------------------------------------------------------------
// The allocation limit
// ---------------------------------------------------------------------------------------

#[test]
fn the_limit_is_never_passed() {
    for limit in [600, 1504, 5000, 10_000, 100_000] {
        let parent = TestAlloc::new();
        let bump = Bump::new_in(&parent);
        bump.set_allocation_limit(Some(limit));
        assert_eq!(bump.allocation_limit(), Some(limit));
        let mut n = 0u64;
        while bump.try_alloc(n).is_ok() {
            n += 1;
            assert!(parent.live_bytes() <= limit, "limit {limit}: {} taken", parent.live_bytes());
        }
        // Bigger requests fail too, and so do Vec growths.
        assert!(bump.try_alloc_layout(Layout::from_size_align(64, 8).unwrap()).is_err());
        let mut v: Vec<u8, &Bump<&TestAlloc>> = Vec::new_in(&bump);
        assert!(v.try_reserve(limit).is_err());
        assert!(n > 0);
        assert_eq!(bump.stats().reserved, parent.live_bytes());
        assert!(parent.live_bytes() <= limit);
        bump.check_invariants();
    }
}

#[test]
#[cfg_attr(asan, ignore = "red zones change the byte counts")]
fn a_limit_equal_to_the_first_chunk_is_filled_exactly() {
    let first = first_block_size();
    let parent = TestAlloc::new();
    let bump = Bump::new_in(&parent);
    bump.set_allocation_limit(Some(first));
    bump.alloc(0u64);
    let capacity = bump.stats().capacity;
    assert_eq!(bump.stats().reserved, first);
    // Fill the chunk to the last byte.
    for i in 1..capacity / 8 {
        assert!(bump.try_alloc(i as u64).is_ok(), "allocation {i} of {}", capacity / 8);
    }
    let s = bump.stats();
    assert_eq!((s.allocated, s.capacity, s.reserved, s.chunks), (capacity, capacity, first, 1));
    assert_eq!(parent.live_bytes(), first);
    // The next one fails with Err, and nothing changes.
    assert!(bump.try_alloc(1u8).is_err());
    assert!(bump.try_alloc_layout(Layout::new::<u8>()).is_err());
    assert_eq!(bump.stats(), s);
    assert_eq!(parent.stats().allocate, 1);
    // A zero-sized value still fits.
    assert!(bump.try_alloc(()).is_ok());

    // Two chunks, the second one exactly at the limit too.
    let second = 2 * (first + OVERHEAD) - OVERHEAD;
    let parent = TestAlloc::new();
    let bump = Bump::new_in(&parent);
    bump.set_allocation_limit(Some(first + second));
    let mut n = 0;
    while bump.try_alloc(0u64).is_ok() {
        n += 1;
    }
    let s = bump.stats();
    assert_eq!((s.reserved, s.chunks, s.allocated), (first + second, 2, s.capacity));
    assert_eq!(n * 8, s.capacity);
    assert_eq!(parent.live_bytes(), first + second);
}

#[test]
fn a_chunk_is_shrunk_to_the_budget_left_when_that_still_fits() {
    let first = first_block_size();
    let parent = TestAlloc::new();
    let bump = Bump::new_in(&parent);
    bump.set_allocation_limit(Some(first + 600));
    grow_to(&bump, 2);
    let c = chunks(&bump);
    assert!(c[1].block_size <= 600, "second chunk {} over the budget", c[1].block_size);
    assert!(c[1].block_size >= 600 - 15);
    while bump.try_alloc(0u64).is_ok() {}
    assert!(bump.stats().reserved <= first + 600);
    assert_eq!(bump.stats().chunks, 2);
}

#[test]
#[cfg_attr(asan, ignore = "red zones change the byte counts")]
fn lowering_the_limit_below_usage_keeps_what_was_taken() {
    let parent = TestAlloc::new();
    let mut bump = Bump::new_in(&parent);
    grow_to(&bump, 3);
    let reserved = bump.stats().reserved;
    bump.set_allocation_limit(Some(100));
    // The current chunk's room is still there...
    let room = {
        let c = chunks(&bump);
        let cur = c.last().unwrap();
        cur.capacity - cur.allocated
    };
    let mut n = 0;
    while bump.try_alloc(0u8).is_ok() {
        n += 1;
    }
    assert_eq!(n, room);
    // ...but no new chunk is taken, and nothing is given back.
    assert_eq!(bump.stats().reserved, reserved);
    assert_eq!(parent.live_bytes(), reserved);
    assert_eq!(parent.stats().allocate, 3);
    // Spares are not new memory: after a reset every kept chunk can be filled again.
    bump.reset_keep_chunks();
    while bump.try_alloc(0u8).is_ok() {}
    let s = bump.stats();
    assert_eq!((s.allocated, s.chunks), (s.capacity, 3));
    assert_eq!(parent.stats().allocate, 3);

    // Lifting the limit lets the bump grow again.
    bump.set_allocation_limit(None);
    assert_eq!(bump.allocation_limit(), None);
    bump.alloc(0u8);
    assert_eq!(bump.stats().chunks, 4);
    assert_eq!(parent.stats().allocate, 4);

    // A reset under a low limit gives memory back; then only the kept chunk is usable.
    bump.set_allocation_limit(Some(100));
    bump.reset();
    assert_eq!(parent.live_bytes(), bump.stats().reserved);
    let kept = bump.stats().capacity;
    assert!(bump.try_alloc_layout(Layout::from_size_align(kept, 1).unwrap()).is_ok());
    assert!(bump.try_alloc(0u8).is_err());
    bump.check_invariants();
    drop(bump);
    parent.assert_no_leaks();
}

#[test]
fn a_limit_of_usize_max_does_not_overflow() {
    let gate = Gate::new(1 << 30);
    let bump = Bump::new_in(&gate);
    bump.set_allocation_limit(Some(usize::MAX));
    bump.alloc(1u8);
    let huge = Layout::from_size_align(isize::MAX as usize - 4095, 4096).unwrap();
    assert!(bump.try_alloc_layout(huge).is_err());
    assert!(bump.try_alloc_layout(Layout::from_size_align(1 << 31, 8).unwrap()).is_err());
    assert!(bump.try_alloc(2u64).is_ok());
    bump.check_invariants();
}

// ---------------------------------------------------------------------------------------
// Statistics and the chunk walk
// ---------------------------------------------------------------------------------------

#[test]
#[cfg_attr(asan, ignore = "red zones change the byte counts")]
fn stats_are_exact() {
    let parent = TestAlloc::new();
    let bump = Bump::new_in(&parent);
    assert_eq!(bump.stats(), Default::default());
    assert_eq!(bump.chunks().count(), 0);

    bump.alloc(1u8);
    assert_eq!(bump.stats().allocated, 1);
    bump.alloc(1u16); // 1 byte of padding
    assert_eq!(bump.stats().allocated, 4);
    bump.alloc_layout(Layout::from_size_align(3, 16).unwrap()); // 12 bytes of padding
    assert_eq!(bump.stats().allocated, 19);
    bump.alloc(0u32); // 1 byte of padding
    assert_eq!(bump.stats().allocated, 24);

    let header = header_size();
    let first = chunks(&bump)[0];
    assert_eq!(first.capacity, first.block_size - header);
    // Leave 8 bytes of the first chunk unused, then move on: they are not counted.
    let fill = first.capacity - 24 - 8;
    bump.alloc_layout(Layout::from_size_align(fill, 1).unwrap());
    assert_eq!(bump.stats().allocated, first.capacity - 8);
    bump.alloc([0u8; 16]);
    let c = chunks(&bump);
    assert_eq!(c.len(), 2);
    assert_eq!((c[0].role, c[0].allocated), (ChunkRole::Filled, first.capacity - 8));
    assert_eq!((c[1].role, c[1].allocated), (ChunkRole::Current, 16));

    let s = bump.stats();
    assert_eq!(s.allocated, first.capacity - 8 + 16);
    assert_eq!(s.reserved, parent.live_bytes());
    assert_eq!(s.chunks, parent.stats().live_blocks);
    assert_eq!(s.capacity, c.iter().map(|c| c.block_size - header).sum::<usize>());
    assert_eq!(s.reserved, c.iter().map(|c| c.block_size).sum::<usize>());
    assert!(format!("{bump:?}").contains("allocated"));
    bump.check_invariants();
}

#[test]
fn stats_track_the_parent_through_a_workload() {
    let parent = TestAlloc::new();
    let mut bump = Bump::new_in(&parent);
    for round in 0..3 {
        for i in 0..(1000 << round) {
            bump.alloc_layout(Layout::from_size_align(1 + i % 200, 1 << (i % 5)).unwrap());
            if i % 97 == 0 {
                let s = bump.stats();
                assert_eq!(s.reserved, parent.live_bytes());
                assert_eq!(s.chunks, parent.stats().live_blocks);
                assert!(s.allocated <= s.capacity && s.capacity < s.reserved);
            }
        }
        bump.scope(|b| grow_to(b, b.stats().chunks + 1));
        let s = bump.stats();
        assert_eq!(s.reserved, parent.live_bytes());
        assert_eq!(bump.chunks().filter(|c| c.role == ChunkRole::Current).count(), 1);
        if round == 1 {
            bump.reset();
        } else {
            bump.reset_keep_chunks();
        }
        assert_eq!(bump.stats().reserved, parent.live_bytes());
        bump.check_invariants();
    }
}

#[test]
fn chunk_sizes_grow_geometrically_up_to_the_cap() {
    let gate = Gate::new(usize::MAX);
    let bump = Bump::new_in(&gate);
    // Small blocks first, then bigger ones (each still far smaller than the chunk it
    // lands in), until two chunks at the cap exist. The memory is never touched.
    let mut block = Layout::from_size_align(64, 8).unwrap();
    while bump.chunks().filter(|c| c.block_size + OVERHEAD == CAP).count() < 2 {
        if bump.stats().chunks == 6 {
            block = Layout::from_size_align(4096, 8).unwrap();
        }
        bump.alloc_layout(block);
    }
    let c = chunks(&bump);
    assert_eq!(c[0].block_size + OVERHEAD, 512);
    for w in c.windows(2) {
        let expected = (2 * (w[0].block_size + OVERHEAD)).min(CAP) - OVERHEAD;
        assert_eq!(w[1].block_size, expected, "sizes: {:?}", sizes(&c));
    }
    assert!(c.iter().all(|c| c.block_size + OVERHEAD <= CAP));
    assert_eq!(c.len(), 17, "sizes: {:?}", sizes(&c));
    let r: std::vec::Vec<_> = c.iter().map(|c| c.role).collect();
    assert!(r[..16].iter().all(|&role| role == ChunkRole::Filled));
    assert_eq!(r[16], ChunkRole::Current);
    // Every request reached the parent and was granted, one per chunk.
    assert_eq!(gate.log().len(), 17);
    assert_eq!(gate.live(), bump.stats().reserved);
    bump.check_invariants();
}

fn sizes(c: &[ChunkInfo]) -> std::vec::Vec<usize> {
    c.iter().map(|c| c.block_size).collect()
}

#[test]
fn a_refused_chunk_falls_back_to_a_smaller_one_that_fits() {
    let gate = Gate::new(4096);
    let bump = Bump::new_in(&gate);
    grow_to(&bump, 5);
    let c = chunks(&bump);
    // 496, 1008, 2032, 4080 are granted; 8176 is refused and about half of it is taken.
    assert_eq!(sizes(&c)[..4], [496, 1008, 2032, 4080]);
    let log = gate.log();
    let refused = log.iter().position(|&(_, granted)| !granted).unwrap();
    assert_eq!(log[refused].0, 8176);
    assert!(log[refused + 1].1);
    assert_eq!(c[4].block_size, log[refused + 1].0);
    assert!(c[4].block_size <= 4096 && c[4].block_size >= 4096 - 16);

    // Two 3000-byte blocks: the second needs a new chunk; the geometric size is refused
    // and a smaller chunk that still holds the block is taken.
    let entries = gate.log().len();
    for _ in 0..2 {
        let p = bump.alloc_layout(Layout::from_size_align(3000, 8).unwrap());
        // SAFETY: a fresh block of 3000 writable bytes.
        unsafe { p.as_ptr().write_bytes(0xee, 3000) };
    }
    let tried = &gate.log()[entries..];
    let (last, refused) = tried.split_last().unwrap();
    assert!(!refused.is_empty() && refused.iter().all(|&(size, granted)| !granted && size > 4096));
    assert!(last.1 && last.0 <= 4096 && last.0 >= 3000 + header_size());
    assert!(tried.windows(2).all(|w| w[1].0 < w[0].0), "sizes decrease: {tried:?}");
    assert_eq!(bump.stats().chunks, 6);
    assert_eq!(chunks(&bump)[5].block_size, last.0);
    // A request that no allowed chunk can hold fails, after trying down to its own size.
    let before = bump.stats();
    let entries = gate.log().len();
    assert!(bump.try_alloc_layout(Layout::from_size_align(5000, 8).unwrap()).is_err());
    assert_eq!(bump.stats(), before);
    let tried = &gate.log()[entries..];
    assert!(!tried.is_empty());
    assert!(tried.iter().all(|&(size, granted)| !granted && size > 5000));
    assert!(tried.windows(2).all(|w| w[1].0 < w[0].0), "sizes decrease: {tried:?}");
    bump.check_invariants();
    drop(bump);
    assert_eq!(gate.live(), 0);
}

#[test]
fn a_request_above_the_cap_gets_a_chunk_of_its_own_size() {
    let gate = Gate::new(usize::MAX);
    let bump = Bump::new_in(&gate);
    bump.alloc(0u8);
    let small = bump.stats().allocated;
    let big = (16 << 20) + 12345;
    let p = bump.alloc_layout(Layout::from_size_align(big, 1).unwrap());
    let c = chunks(&bump);
    assert_eq!(c.len(), 2);
    assert!(c[1].capacity >= big);
    assert!(c[1].block_size < big + 4096, "no doubling for an oversized request");
    assert_eq!(p.as_ptr().cast_const(), c[1].data_start);
    // The first chunk is left as it was.
    assert_eq!((c[0].role, c[0].allocated), (ChunkRole::Filled, small));
    bump.check_invariants();
}

// ---------------------------------------------------------------------------------------
// Drop and Send
// ---------------------------------------------------------------------------------------

#[test]
fn drop_frees_every_chunk_spares_included() {
    let parent = TestAlloc::new();
    {
        let mut bump = Bump::new_in(&parent);
        grow_to(&bump, 3);
        bump.scope(|b| grow_to(b, 6));
        bump.alloc_layout(Layout::from_size_align(100_000, 64).unwrap());
        assert_eq!(roles(&bump).iter().filter(|&&r| r == ChunkRole::Spare).count(), 3);
        assert_eq!(parent.stats().live_blocks, 7);
    }
    assert_eq!(parent.stats().deallocate, parent.stats().allocate);
    parent.assert_no_leaks();

    // After a reset, too.
    {
        let mut bump = Bump::new_in(&parent);
        grow_to(&bump, 4);
        bump.reset();
        grow_to(&bump, 3);
    }
    parent.assert_no_leaks();
}

#[test]
fn bump_is_send() {
    fn assert_send<T: Send>() {}
    assert_send::<Bump>();
    assert_send::<Bump<&TestAlloc>>();

    let parent = TestAlloc::new();
    let bump = Bump::new_in(&parent);
    let here = bump.alloc(5u64) as *mut u64 as usize;
    let (sum, stats) = std::thread::scope(|s| {
        s.spawn(move || {
            let mut v: Vec<u64, &Bump<&TestAlloc>> = Vec::new_in(&bump);
            v.extend(0..1000);
            let sum = v.iter().sum::<u64>();
            drop(v);
            let there = bump.alloc(6u64);
            assert_ne!(there as *mut u64 as usize, here);
            assert_eq!(*there, 6);
            (sum, bump.stats())
            // `bump` is dropped on this thread.
        })
        .join()
        .unwrap()
    });
    assert_eq!(sum, 499_500);
    assert!(stats.chunks >= 1);
    parent.assert_no_leaks();

    let owned = Bump::new();
    let s = std::thread::spawn(move || owned.alloc_str("moved").to_uppercase()).join().unwrap();
    assert_eq!(s, "MOVED");
}
