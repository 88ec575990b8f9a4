//! Growing a block that is alone in its chunk grows the chunk itself through the parent
//! (`Allocator::grow`, i.e. `realloc` for `Global`). The chunk may move, so scope marks,
//! the chunk iterator and the links of neighbouring chunks must all survive a move. The
//! parent here is a `TestAlloc`, whose `grow` always moves the block.

use allockit::bump::ChunkRole;
use allockit::{Bump, Vec};

use crate::common::test_alloc::TestAlloc;

#[test]
fn a_lone_vec_grows_its_chunk_through_the_parent() {
    let parent = TestAlloc::new();
    {
        let bump = Bump::new_in(&parent);
        let mut v: Vec<u64, &Bump<&TestAlloc>> = Vec::new_in(&bump);
        for i in 0..100_000 {
            v.push(i);
            if i % 4096 == 0 {
                bump.check_invariants();
            }
        }
        assert!(v.iter().copied().eq(0..100_000));
        let stats = bump.stats();
        // One chunk, grown (and moved) by the parent, instead of one chunk per doubling.
        assert_eq!(stats.chunks, 1);
        assert!(parent.stats().grow > 0);
        assert_eq!(stats.reserved, parent.live_bytes());
        if !cfg!(asan) {
            // (Under `cfg(asan)` each block is followed by a red zone.)
            assert_eq!(stats.allocated, v.capacity() * 8);
        }
    }
    parent.assert_no_leaks();
}

#[test]
fn a_shared_chunk_is_not_grown_and_the_block_is_copied() {
    let parent = TestAlloc::new();
    let bump = Bump::new_in(&parent);
    let node = bump.alloc(7u32);
    let mut v: Vec<u64, &Bump<&TestAlloc>> = Vec::new_in(&bump);
    v.extend(0..1000);
    assert_eq!(parent.stats().grow, 0, "the chunk holds `node` too, so it must not move");
    assert!(bump.stats().chunks > 1);
    assert_eq!(*node, 7);
    assert!(v.iter().copied().eq(0..1000));
    bump.check_invariants();
}

#[test]
fn scope_marks_survive_a_chunk_move() {
    let parent = TestAlloc::new();
    let mut bump = Bump::new_in(&parent);
    bump.alloc(1u8); // the first chunk is shared: the scope's Vec starts a chunk of its own
    let base = bump.stats().allocated; // 1, or more under `cfg(asan)` (a red zone)
    for round in 0..3 {
        let sum = bump.scope(|b| {
            let mut v: Vec<u64, &Bump<&TestAlloc>> = Vec::new_in(b);
            v.extend(0..50_000);
            b.check_invariants();
            v.iter().sum::<u64>()
        });
        assert_eq!(sum, 49_999 * 50_000 / 2, "round {round}");
        bump.check_invariants();
        assert_eq!(bump.stats().allocated, base, "round {round}: the scope gave everything back");
    }
    // Nested: the inner scope's vector grows the chunk the outer mark points into.
    let mut outer = bump.scope_guard();
    let kept = outer.alloc_str("kept");
    assert_eq!(kept, "kept");
    outer.scope(|b| {
        let mut v: Vec<u8, &Bump<&TestAlloc>> = Vec::new_in(b);
        v.resize(200_000, 3);
        b.check_invariants();
    });
    assert_eq!(outer.alloc_str("after"), "after");
    outer.check_invariants();
    drop(outer);
    assert_eq!(bump.stats().allocated, base);
    drop(bump);
    parent.assert_no_leaks();
}

#[test]
fn links_to_spares_and_older_chunks_follow_the_moved_chunk() {
    let parent = TestAlloc::new();
    let mut bump = Bump::new_in(&parent);
    for i in 0..5000u64 {
        bump.alloc(i); // several filled chunks
    }
    bump.reset_keep_chunks(); // ... now all spares after the first
    let chunks = bump.stats().chunks;
    bump.alloc(0u8); // share the first chunk
    {
        // The Vec moves to a spare that fits, alone there, then outgrows it.
        let mut v: Vec<u64, &Bump<&TestAlloc>> = Vec::new_in(&bump);
        v.extend(0..100_000);
        bump.check_invariants();
        let roles: std::vec::Vec<ChunkRole> = bump.chunks().map(|c| c.role).collect();
        assert_eq!(roles.len(), bump.stats().chunks);
        assert_eq!(roles.iter().filter(|r| **r == ChunkRole::Current).count(), 1);
        assert!(bump.stats().chunks >= chunks);
    }
    bump.reset();
    bump.check_invariants();
    assert_eq!(bump.stats().chunks, 1);
    assert_eq!(bump.stats().reserved, parent.live_bytes());
    drop(bump);
    parent.assert_no_leaks();
}

#[test]
fn iterating_chunks_while_a_vec_moves_them_is_sound() {
    let bump = Bump::new();
    let mut v: Vec<u64, &Bump> = Vec::new_in(&bump);
    v.push(0);
    let mut seen = 0;
    for chunk in bump.chunks() {
        for i in 0..10_000 {
            v.push(i); // may move the chunk the iterator is about to read
        }
        assert!(chunk.capacity > 0);
        seen += 1;
    }
    assert_eq!(seen, bump.stats().chunks);
}

#[test]
fn chunk_growth_respects_the_allocation_limit() {
    let parent = TestAlloc::new();
    let bump = Bump::new_in(&parent);
    bump.set_allocation_limit(Some(64 * 1024));
    let mut v: Vec<u64, &Bump<&TestAlloc>> = Vec::new_in(&bump);
    let mut pushed = 0u64;
    while v.try_push(pushed).is_ok() {
        pushed += 1;
    }
    assert!(pushed > 1000, "grew to {pushed} items");
    assert!(parent.live_bytes() <= 64 * 1024, "took {} bytes", parent.live_bytes());
    assert!(v.iter().copied().eq(0..pushed), "nothing lost when growth failed");
    bump.check_invariants();
}

#[test]
fn a_refused_geometric_growth_retries_with_the_exact_size() {
    let parent = TestAlloc::new();
    let bump = Bump::new_in(&parent);
    let mut v: Vec<u8, &Bump<&TestAlloc>> = Vec::new_in(&bump);
    v.reserve_exact(400);
    v.extend((0..400).map(|i| i as u8)); // alone in the first chunk (448 data bytes)
    let before = parent.stats().grow;
    parent.fail_nth(1); // refuse the chunk's geometric (1.5x) growth...
    v.reserve_exact(100); // ...then the exact size is asked for, and served
    assert_eq!(parent.stats().grow, before + 2);
    assert!(v.iter().copied().eq((0..400).map(|i| i as u8)));
    assert_eq!(bump.stats().chunks, 1);
    bump.check_invariants();
}

#[test]
fn small_steps_grow_the_chunk_geometrically() {
    let parent = TestAlloc::new();
    let bump = Bump::new_in(&parent);
    let mut v: Vec<u8, &Bump<&TestAlloc>> = Vec::new_in(&bump);
    for i in 0..10_000u32 {
        v.reserve_exact(1);
        v.push(i as u8);
    }
    // Geometric (1.5x) chunks: about log1.5(10_000 / 512) parent calls, not one per
    // 16 bytes.
    assert!(parent.stats().grow <= 9, "{:?}", parent.stats());
    assert_eq!(v.capacity(), 10_000);
    bump.check_invariants();
}
