//! Random operation sequences on `allockit::Vec` and std's `Vec`, compared step by step
//! (see `common::vec_model`), for each element type over `Global`, over `&TestAlloc`, over
//! a `TestAlloc` that hands out longer blocks than asked for, and over an allocator held by
//! value (`SharedAlloc`).

use std::mem;

use allockit::alloc::Global;
use proptest::prelude::*;

use crate::common::drop_counter::{Tracked, TrackedZst};
use crate::common::test_alloc::{SharedAlloc, TestAlloc};
use crate::common::vec_model::{Aligned, Big, Buffer, Case, Elem, case, run};

/// Longest operation sequence drawn.
const MAX_OPS: usize = 40;

fn config() -> ProptestConfig {
    ProptestConfig { cases: 40, ..ProptestConfig::default() }
}

fn over_global<T: Elem>(c: &Case) {
    run::<T, Global>(Global, c, &|_| {});
}

/// Checks that ours owns exactly one live block, with the layout of its capacity, or none.
fn probe(alloc: &TestAlloc, buf: Buffer) {
    match buf.layout {
        None => assert_eq!(alloc.live_bytes(), 0, "nothing should be allocated: {buf:?}"),
        Some(layout) => {
            let live = alloc.layout_of(buf.ptr);
            assert_eq!(live, Some(layout), "the buffer is not live as {layout:?}");
            assert_eq!(alloc.live_bytes(), layout.size(), "other blocks are live");
        }
    }
}

/// Checks at the end of a run that everything was freed, and that a vector of a
/// zero-sized type never called its allocator.
fn after<T: Elem>(alloc: &TestAlloc) {
    alloc.assert_no_leaks();
    let stats = alloc.stats();
    assert_eq!(stats.zero_sized, 0, "zero-sized requests: {stats:?}");
    if mem::size_of::<T>() == 0 {
        assert_eq!(stats.calls(), 0, "a vector of a zero-sized type called its allocator");
    }
}

/// Runs over `&alloc`, probing after every step.
fn over<T: Elem>(alloc: &TestAlloc, c: &Case) {
    run::<T, &TestAlloc>(alloc, c, &|buf| probe(alloc, buf));
    after::<T>(alloc);
}

/// Runs with the allocator held by value (a non-`Copy` handle with a destructor): every
/// copy the vector made of it must be dropped again.
fn over_shared<T: Elem>(c: &Case) {
    let shared = SharedAlloc::new();
    run::<T, SharedAlloc>(shared.clone(), c, &|buf| probe(&shared.0, buf));
    assert_eq!(shared.handles(), 1, "copies of the allocator were leaked");
    after::<T>(&shared.0);
}

fn over_test_alloc<T: Elem>(c: &Case) {
    over::<T>(&TestAlloc::new(), c);
}

fn over_slack<T: Elem>(c: &Case) {
    over::<T>(&TestAlloc::with_slack(3 * mem::size_of::<T>() + 1), c);
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn u8_global(c in case(MAX_OPS)) { over_global::<u8>(&c) }
    #[test]
    fn u8_test_alloc(c in case(MAX_OPS)) { over_test_alloc::<u8>(&c) }
    #[test]
    fn u64_global(c in case(MAX_OPS)) { over_global::<u64>(&c) }
    #[test]
    fn u64_test_alloc(c in case(MAX_OPS)) { over_test_alloc::<u64>(&c) }
    #[test]
    fn u64_slack(c in case(MAX_OPS)) { over_slack::<u64>(&c) }
    #[test]
    fn unit_global(c in case(MAX_OPS)) { over_global::<()>(&c) }
    #[test]
    fn zst_global(c in case(MAX_OPS)) { over_global::<TrackedZst>(&c) }
    #[test]
    fn zst_test_alloc(c in case(MAX_OPS)) { over_test_alloc::<TrackedZst>(&c) }
    #[test]
    fn string_global(c in case(MAX_OPS)) { over_global::<String>(&c) }
    #[test]
    fn string_test_alloc(c in case(MAX_OPS)) { over_test_alloc::<String>(&c) }
    #[test]
    fn tracked_global(c in case(MAX_OPS)) { over_global::<Tracked>(&c) }
    #[test]
    fn tracked_test_alloc(c in case(MAX_OPS)) { over_test_alloc::<Tracked>(&c) }
    #[test]
    fn tracked_slack(c in case(MAX_OPS)) { over_slack::<Tracked>(&c) }
    #[test]
    fn big_test_alloc(c in case(MAX_OPS)) { over_test_alloc::<Big>(&c) }
    #[test]
    fn aligned_test_alloc(c in case(MAX_OPS)) { over_test_alloc::<Aligned>(&c) }
    #[test]
    fn tracked_shared_alloc(c in case(MAX_OPS)) { over_shared::<Tracked>(&c) }
    #[test]
    fn zst_shared_alloc(c in case(MAX_OPS)) { over_shared::<TrackedZst>(&c) }
}
