//! `FaultInjecting<A>`: every plan's schedule, request by request; refused requests leave
//! collections unchanged and never reach the inner allocator; the `Random` plan repeats
//! for a seed; `set_plan` restarts the count; the `GlobalAlloc` side over the recording
//! `Probe`; a `Bump` whose parent refuses.

use std::alloc::GlobalAlloc;

use allockit::alloc::{Allocator, Layout};
use allockit::wrappers::{FaultInjecting, FaultPlan, FaultStats};
use allockit::{Box, Bump, String, Vec};

use super::Probe;
use crate::common::test_alloc::TestAlloc;

/// Which of `n` one-byte-box requests succeed under `plan` (true: allocated).
fn schedule(plan: FaultPlan, n: usize) -> std::vec::Vec<bool> {
    let inner = TestAlloc::new();
    let faulty = FaultInjecting::new(&inner, plan);
    let results = (0..n).map(|_| Box::try_new_in(7u8, &faulty).is_ok()).collect();
    assert_eq!(faulty.stats().requests, n);
    // Refused requests never reached `inner`; the others all did.
    let refused = faulty.stats().refused;
    assert_eq!(inner.stats().allocate as usize, n - refused);
    assert_eq!(inner.stats().failed, 0);
    inner.assert_no_leaks();
    results
}

fn pattern(text: &str) -> std::vec::Vec<bool> {
    text.bytes().map(|b| b == b'.').collect()
}

#[test]
fn each_plan_refuses_the_requests_it_names() {
    assert_eq!(schedule(FaultPlan::Never, 6), pattern("......"));
    assert_eq!(schedule(FaultPlan::Nth(3), 6), pattern("..x..."));
    assert_eq!(schedule(FaultPlan::Nth(0), 4), pattern("...."));
    assert_eq!(schedule(FaultPlan::After(2), 6), pattern("..xxxx"));
    assert_eq!(schedule(FaultPlan::After(0), 3), pattern("xxx"));
    assert_eq!(schedule(FaultPlan::Every(2), 6), pattern(".x.x.x"));
    assert_eq!(schedule(FaultPlan::Every(1), 3), pattern("xxx"));
    assert_eq!(schedule(FaultPlan::Every(0), 3), pattern("..."));
}

#[test]
fn larger_than_refuses_by_size_including_the_new_size_of_a_resize() {
    let inner = TestAlloc::new();
    let faulty = FaultInjecting::new(&inner, FaultPlan::LargerThan(64));
    let mut v: Vec<u8, _> = Vec::new_in(&faulty);
    v.try_reserve_exact(64).unwrap();
    v.extend_from_slice(&[1; 64]);
    assert!(v.try_reserve_exact(1).is_err()); // a grow to 65 bytes
    assert_eq!((v.len(), v.capacity()), (64, 64));
    v.truncate(10);
    v.shrink_to_fit(); // a shrink to 10 bytes: allowed
    assert_eq!(v.capacity(), 10);
    assert_eq!(faulty.stats(), FaultStats { requests: 3, refused: 1 });
    drop(v);
    inner.assert_no_leaks();
}

#[test]
fn refused_try_methods_leave_each_collection_unchanged() {
    let inner = TestAlloc::new();
    let faulty = FaultInjecting::new(&inner, FaultPlan::Never);
    let mut v: Vec<u64, _> = Vec::new_in(&faulty);
    v.extend(0..5);
    let mut s = String::from_str_in("hello", &faulty);
    faulty.set_plan(FaultPlan::After(0)); // refuse everything from now on

    let before = (v.as_ptr(), v.len(), v.capacity());
    assert!(v.try_reserve(1000).is_err());
    assert!(v.try_reserve_exact(1000).is_err());
    assert_eq!((v.as_ptr(), v.len(), v.capacity()), before);
    assert_eq!(v, [0, 1, 2, 3, 4]);

    let before = (s.as_ptr(), s.capacity());
    assert!(s.try_push_str(&"!".repeat(100)).is_err());
    assert_eq!((s.as_ptr(), s.capacity(), s.as_str()), (before.0, before.1, "hello"));

    assert!(Box::try_new_in([0u8; 32], &faulty).is_err());
    assert_eq!(faulty.stats(), FaultStats { requests: 4, refused: 4 });

    faulty.set_plan(FaultPlan::Never);
    v.try_reserve(1000).unwrap();
    assert_eq!(faulty.stats(), FaultStats { requests: 1, refused: 0 });
    drop((v, s));
    inner.assert_no_leaks();
}

#[test]
fn the_random_plan_repeats_for_a_seed_and_refuses_about_one_in_n() {
    let run = |seed| schedule(FaultPlan::Random { seed, one_in: 8 }, 4000);
    let first = run(1);
    assert_eq!(first, run(1), "the same seed gives the same refusals");
    assert_ne!(first, run(2), "another seed gives other refusals");
    let refused = first.iter().filter(|ok| !**ok).count();
    // 4000 / 8 = 500 expected; a fair coin this biased would leave 350..650 with
    // overwhelming probability (the sequence is fixed, so this cannot flake).
    assert!((350..650).contains(&refused), "{refused} refused");
    assert_eq!(schedule(FaultPlan::Random { seed: 5, one_in: 0 }, 100), vec![true; 100]);
    assert_eq!(schedule(FaultPlan::Random { seed: 5, one_in: 1 }, 100), vec![false; 100]);
}

#[test]
fn a_bump_whose_parent_refuses_reports_it_and_keeps_working() {
    let faulty = FaultInjecting::new(allockit::alloc::Global, FaultPlan::Never);
    let bump = Bump::with_capacity_in(64, &faulty);
    faulty.set_plan(FaultPlan::After(0));
    // Fits the first chunk: no request reaches the parent.
    assert!(bump.try_alloc(1u64).is_ok());
    // Does not fit: the bump asks its parent for a chunk (it may retry smaller), and
    // every request is refused.
    assert!(bump.try_alloc([0u8; 4096]).is_err());
    assert!(faulty.stats().refused >= 1);
    faulty.set_plan(FaultPlan::Never);
    assert!(bump.try_alloc([0u8; 4096]).is_ok());
}

#[test]
fn as_a_global_alloc_a_refusal_is_null_and_never_reaches_the_inner_heap() {
    let faulty = FaultInjecting::new(Probe, FaultPlan::Every(2));
    let small = Layout::from_size_align(16, 8).unwrap();
    // SAFETY: `GlobalAlloc` calls with non-zero sizes; each block freed once with the
    // layout it has at that point.
    unsafe {
        let p = faulty.alloc(small); // request 1
        assert!(!p.is_null());
        assert!(faulty.alloc_zeroed(small).is_null()); // request 2: refused
        let q = faulty.realloc(p, small, 64); // request 3
        assert!(!q.is_null());
        assert!(faulty.realloc(q, Layout::from_size_align(64, 8).unwrap(), 128).is_null()); // 4
        // The refused realloc left the block where it was, still 64 bytes.
        faulty.dealloc(q, Layout::from_size_align(64, 8).unwrap());
    }
    let calls = Probe::calls();
    assert_eq!((calls.alloc, calls.alloc_zeroed, calls.realloc, calls.dealloc), (1, 0, 1, 1));
    assert_eq!(faulty.stats(), FaultStats { requests: 4, refused: 2 });
    Probe::assert_clean();
}

#[test]
fn a_shared_wrapper_counts_every_handle_and_thread() {
    let faulty = FaultInjecting::new(allockit::alloc::Global, FaultPlan::Never);
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                for i in 0..100u64 {
                    drop(Box::new_in(i, &faulty));
                }
            });
        }
    });
    assert_eq!(faulty.stats(), FaultStats { requests: 400, refused: 0 });
    // `&FaultInjecting` is an allocator like the wrapper itself, sharing its schedule.
    fn allocate_and_free(alloc: impl Allocator) -> bool {
        let layout = Layout::new::<u64>();
        let Ok(block) = alloc.allocate(layout) else { return false };
        // SAFETY: `block` was just allocated with `layout`, and is freed once.
        unsafe { alloc.deallocate(block.cast(), layout) };
        true
    }
    faulty.set_plan(FaultPlan::Every(2));
    assert!(allocate_and_free(&faulty));
    assert!(!allocate_and_free(&faulty));
}
