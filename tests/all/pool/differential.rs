//! The `Vec`, `Box` and `String` differential suites (std's collections as the model) run
//! over `&Pool<&TestAlloc>`, with block sizes chosen so that the collections' buffers
//! both fit the block and outgrow it:
//!
//! - `Vec<T>` in a pool of a few `T`s: a buffer of up to that many elements is a pool
//!   block (growing within it in place), a bigger one is the parent's, and shrinking
//!   brings it back; `Big` in a pool of exactly one `Big`, `Aligned` in a pool of its
//!   alignment and in one that is not aligned enough (every buffer forwarded);
//! - `Box<String>` in a pool whose block is exactly the payload, and in one too small for
//!   it (boxed slices and strings fit, the `String`s do not);
//! - `String` in a pool of 16-byte blocks.
//!
//! After every step the probe checks that the collection's buffer is where its layout
//! routes it (a live pool block, or a parent block of exactly its layout), that it is the
//! only thing live in the pool, and that the pool's statistics match the parent's
//! counters. After the run the pool holds nothing, and dropping it gives everything back.

use allockit::alloc::{Allocator, Layout};
use allockit::{Box, Pool, String, Vec};
use proptest::prelude::*;

use super::{TestPool, assert_accounted};
use crate::boxed::differential as box_model;
use crate::common::drop_counter::{Tracked, TrackedZst};
use crate::common::test_alloc::TestAlloc;
use crate::common::vec_model::{self, Aligned, Big, Buffer, Case, Elem, case};
use crate::string::model as string_model;

/// Longest `Vec` operation sequence drawn.
const MAX_OPS: usize = 40;

fn config() -> ProptestConfig {
    ProptestConfig { cases: 16, ..ProptestConfig::default() }
}

/// Whether a request of `layout` is served by one of `pool`'s blocks.
fn fits<A: Allocator>(pool: &Pool<A>, layout: Layout) -> bool {
    let block = pool.block_layout();
    layout.size() <= block.size() && layout.align() <= block.align()
}

/// The collection's buffer (`None` if it should own none) is where its layout routes it,
/// and it is all the pool has live.
#[track_caller]
fn check_owned(pool: &TestPool<'_>, parent: &TestAlloc, buf: Option<(*const u8, Layout)>) {
    assert_accounted(pool, parent);
    let s = pool.stats();
    match buf {
        None => assert_eq!((s.live_blocks, s.forwarded), (0, 0), "{s:?}"),
        Some((ptr, layout)) => {
            assert_eq!(ptr as usize % layout.align(), 0, "misaligned buffer");
            if fits(pool, layout) {
                assert!(pool.owns(ptr), "a buffer of {layout:?} is not a pool block");
                assert_eq!((s.live_blocks, s.forwarded), (1, 0), "{s:?}");
            } else {
                assert_eq!(parent.layout_of(ptr), Some(layout), "not the parent's block");
                assert_eq!((s.live_blocks, s.forwarded), (0, layout.size()), "{s:?}");
            }
        }
    }
}

/// Runs `pool` (built over `parent`) through `f`, then checks it holds nothing and that
/// dropping it gives everything back. Returns the pool's statistics after `f`.
fn with_pool(
    block: Layout,
    f: impl FnOnce(&TestPool<'_>, &TestAlloc),
) -> allockit::pool::PoolStats {
    let parent = TestAlloc::new();
    let stats;
    {
        let pool = Pool::new_in(block, &parent);
        f(&pool, &parent);
        check_owned(&pool, &parent, None);
        stats = pool.stats();
    }
    parent.assert_no_leaks();
    assert_eq!(parent.stats().zero_sized, 0, "the pool asked its parent for zero bytes");
    stats
}

// ---------------------------------------------------------------------------------------
// Vec
// ---------------------------------------------------------------------------------------

fn vec_in<T: Elem>(block: Layout, c: &Case) -> allockit::pool::PoolStats {
    with_pool(block, |pool, parent| {
        vec_model::run::<T, &TestPool<'_>>(pool, c, &|buf: Buffer| {
            check_owned(pool, parent, buf.layout.map(|l| (buf.ptr, l)));
        });
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn vec_u8_in_64_byte_blocks(c in case(MAX_OPS)) {
        vec_in::<u8>(Layout::new::<[u8; 64]>(), &c);
    }

    #[test]
    fn vec_u64_in_blocks_of_four(c in case(MAX_OPS)) {
        vec_in::<u64>(Layout::new::<[u64; 4]>(), &c);
    }

    #[test]
    fn vec_string_in_blocks_of_two(c in case(MAX_OPS)) {
        vec_in::<std::string::String>(Layout::new::<[std::string::String; 2]>(), &c);
    }

    #[test]
    fn vec_tracked_in_blocks_of_three(c in case(MAX_OPS)) {
        vec_in::<Tracked>(Layout::new::<[Tracked; 3]>(), &c);
    }

    #[test]
    fn vec_zst_takes_nothing(c in case(MAX_OPS)) {
        let stats = vec_in::<TrackedZst>(Layout::new::<u64>(), &c);
        prop_assert_eq!(stats.slabs, 0);
    }

    #[test]
    fn vec_big_in_blocks_of_one(c in case(MAX_OPS)) {
        vec_in::<Big>(Layout::new::<Big>(), &c);
    }

    #[test]
    fn vec_aligned_in_aligned_blocks(c in case(MAX_OPS)) {
        vec_in::<Aligned>(Layout::new::<[Aligned; 2]>(), &c);
    }

    #[test]
    fn vec_aligned_in_blocks_not_aligned_enough(c in case(MAX_OPS)) {
        let stats = vec_in::<Aligned>(Layout::new::<[u64; 16]>(), &c);
        prop_assert_eq!(stats.slabs, 0, "an over-aligned buffer was pooled");
    }
}

/// A `Vec<u8, &Pool>` in a pool of 64-byte blocks grows in place up to 64 bytes, moves to
/// the parent past them, and comes back into the block it left when shrunk.
#[test]
fn a_vec_of_bytes_crosses_to_the_parent_and_back() {
    with_pool(Layout::new::<[u8; 64]>(), |pool, parent| {
        let mut v: Vec<u8, &TestPool<'_>> = Vec::new_in(pool);
        v.push(0);
        let block = v.as_ptr();
        for i in 1..64 {
            v.push(i);
            assert_eq!(v.as_ptr(), block, "a buffer within the block moved");
        }
        assert_eq!(v.capacity(), 64);
        assert_eq!(parent.stats().allocate, 1, "one slab, nothing else");
        check_owned(pool, parent, Some((v.as_ptr(), Layout::array::<u8>(64).unwrap())));

        v.push(64);
        assert_eq!(v.capacity(), 128);
        assert_ne!(v.as_ptr(), block);
        check_owned(pool, parent, Some((v.as_ptr(), Layout::array::<u8>(128).unwrap())));
        assert!(v.iter().copied().eq(0..65));

        v.truncate(40);
        v.shrink_to_fit();
        assert_eq!((v.as_ptr(), v.capacity()), (block, 40), "not back in the block it left");
        check_owned(pool, parent, Some((v.as_ptr(), Layout::array::<u8>(40).unwrap())));
        assert!(v.iter().copied().eq(0..40));
        assert_eq!(pool.stats().slabs, 1);
    });
}

// ---------------------------------------------------------------------------------------
// Box
// ---------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    #[test]
    fn box_in_blocks_that_fit_a_string_exactly(ops in box_model::ops()) {
        let block = Layout::new::<std::string::String>();
        with_pool(block, |pool, parent| {
            box_model::run_in(pool, &ops, &|| assert_accounted(pool, parent));
        });
    }

    #[test]
    fn box_in_blocks_too_small_for_a_string(ops in box_model::ops()) {
        with_pool(Layout::new::<u64>(), |pool, parent| {
            box_model::run_in(pool, &ops, &|| assert_accounted(pool, parent));
        });
    }
}

/// A box whose payload is exactly the block is a pool block; one too big is the parent's.
#[test]
fn a_box_payload_that_fits_the_block_exactly_is_pooled() {
    with_pool(Layout::new::<std::string::String>(), |pool, parent| {
        assert_eq!(pool.block_layout(), Layout::new::<std::string::String>());
        let a = Box::new_in(std::string::String::from("pooled"), pool);
        assert!(pool.owns(Box::as_ptr(&a).cast()));
        let b: Box<[u64; 4], _> = Box::new_in([1, 2, 3, 4], pool);
        assert!(!pool.owns(Box::as_ptr(&b).cast()));
        assert_eq!(parent.layout_of(Box::as_ptr(&b).cast()), Some(Layout::new::<[u64; 4]>()));
        let s = pool.stats();
        assert_eq!((s.live_blocks, s.forwarded), (1, 32), "{s:?}");
        assert_eq!((a.as_str(), *b), ("pooled", [1, 2, 3, 4]));
        drop((a, b));
        assert_accounted(pool, parent);
    });
}

// ---------------------------------------------------------------------------------------
// String
// ---------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    #[test]
    fn string_in_16_byte_blocks(case in string_model::any_case()) {
        with_pool(Layout::new::<[u8; 16]>(), |pool, parent| {
            string_model::run(pool, &case, &|s: &String<&TestPool<'_>>| {
                let cap = s.capacity();
                let buf = (cap != 0).then(|| (s.as_ptr(), Layout::array::<u8>(cap).unwrap()));
                check_owned(pool, parent, buf);
            });
        });
    }
}
