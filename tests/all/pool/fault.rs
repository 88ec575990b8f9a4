//! Fault injection: a pool over a [`TestAlloc`] parent that refuses requests, for a slab
//! or for a forwarded block.
//!
//! - every fallible path (`Box::try_new_in` and friends, the `Vec` and `String` `try_`
//!   methods, `allocate`, `grow`, `shrink`, `try_with_capacity_in`) returns an error and
//!   changes nothing: not the value (dropped once), not the collection, not the pool's
//!   statistics, not the parent's live blocks;
//! - a refusal does not stop the pool: free blocks and uncarved blocks are still handed
//!   out, and once the parent serves again new slabs come;
//! - a workload that meets a refusal every `n` requests, for many `n`, keeps its contents
//!   and leaks nothing.

use std::ptr::NonNull;

use allockit::alloc::{AllocError, Allocator, Layout};
use allockit::{Box, Pool, String, TryReserveErrorKind, Vec};

use super::{TestPool, assert_accounted, assert_pattern, fill};
use crate::common::drop_counter::{self, Tracked};
use crate::common::test_alloc::{FailPlan, TestAlloc};

#[track_caller]
fn assert_alloc_error<T: std::fmt::Debug>(r: Result<T, allockit::TryReserveError>) {
    let kind = r.unwrap_err().kind();
    assert!(matches!(kind, TryReserveErrorKind::AllocError { .. }), "{kind:?}");
}

fn layout(size: usize, align: usize) -> Layout {
    Layout::from_size_align(size, align).unwrap()
}

#[test]
fn a_refused_first_slab_fails_every_box_constructor_cleanly() {
    drop_counter::reset();
    let parent = TestAlloc::failing(FailPlan::AllAfter(0));
    let pool = Pool::new_in(Layout::new::<Tracked>(), &parent);
    assert!(matches!(Box::try_new_in(Tracked::new(1), &pool), Err(AllocError)));
    assert_eq!(drop_counter::counts().live(), 0, "the value must be dropped");
    assert!(Box::<Tracked, _>::try_new_uninit_in(&pool).is_err());
    assert!(Box::<Tracked, _>::try_new_zeroed_in(&pool).is_err());
    assert!((&pool).allocate(Layout::new::<u8>()).is_err());
    assert!((&pool).allocate_zeroed(Layout::new::<u8>()).is_err());
    assert_eq!(pool.stats(), Pool::new(Layout::new::<Tracked>()).stats(), "nothing taken");
    assert_eq!((parent.stats().allocate, parent.stats().failed), (5, 5));
    pool.check_invariants();

    parent.disarm();
    let b = Box::try_new_in(Tracked::new(2), &pool).unwrap();
    assert_eq!(b.value(), 2);
    assert_eq!(pool.stats().slabs, 1);
    drop(b);
    drop(pool);
    parent.assert_no_leaks();
}

#[test]
fn a_refused_forwarded_request_fails_cleanly() {
    let parent = TestAlloc::new();
    let pool = Pool::new_in(Layout::new::<u64>(), &parent);
    let small = Box::new_in(1u64, &pool);
    let before = pool.stats();
    parent.fail_all();
    assert!(Box::try_new_in([7u8; 100], &pool).is_err());
    assert!(Box::<[u64], _>::try_new_zeroed_slice_in(10, &pool).is_err());
    assert!((&pool).allocate(layout(8, 64)).is_err(), "a stricter alignment is forwarded too");
    assert_eq!(pool.stats(), before);
    assert_eq!(parent.stats().failed, 3);
    // What the pool has at hand needs no parent.
    let again = Box::try_new_in(2u64, &pool).unwrap();
    assert_eq!((*small, *again), (1, 2));
    drop((small, again));
    drop(pool);
    parent.assert_no_leaks();
}

#[test]
fn a_vec_is_unchanged_when_its_growth_is_refused() {
    let parent = TestAlloc::new();
    let pool = Pool::new_in(Layout::new::<[u64; 4]>(), &parent);
    let mut v: Vec<u64, &TestPool<'_>> = Vec::with_capacity_in(2, &pool);
    v.extend_from_slice(&[1, 2]);
    let ptr = v.as_ptr();
    parent.fail_all();
    // Growth within the block needs no parent.
    v.try_reserve_exact(2).unwrap();
    assert_eq!((v.as_ptr(), v.capacity()), (ptr, 4), "grown in place");
    v.extend_from_slice(&[3, 4]);
    let (ptr, before) = (v.as_ptr(), pool.stats());
    let unchanged = |v: &Vec<u64, &TestPool<'_>>| {
        assert_eq!((v.as_ptr(), v.len(), v.capacity()), (ptr, 4, 4));
        assert_eq!(v.as_slice(), &[1, 2, 3, 4]);
        assert_eq!(pool.stats(), before);
        assert_accounted(&pool, &parent);
    };
    // Growth past the block needs the parent, which refuses.
    assert_alloc_error(v.try_reserve(1));
    unchanged(&v);
    assert_alloc_error(v.try_reserve_exact(1));
    unchanged(&v);
    assert_alloc_error(v.try_push(5));
    unchanged(&v);
    assert_alloc_error(v.try_extend_from_slice(&[5, 6]));
    unchanged(&v);
    assert_alloc_error(v.try_insert(0, 0));
    unchanged(&v);
    assert_alloc_error(v.try_resize(10, 0));
    unchanged(&v);

    parent.disarm();
    v.try_push(5).unwrap();
    assert_eq!(v.as_slice(), &[1, 2, 3, 4, 5]);
    assert_eq!(pool.stats().forwarded, 8 * 8);
    // A forwarded buffer whose growth is refused is unchanged too.
    let (ptr, cap) = (v.as_ptr(), v.capacity());
    parent.fail_all();
    assert_alloc_error(v.try_reserve(100));
    assert_eq!((v.as_ptr(), v.capacity(), v.as_slice()), (ptr, cap, &[1, 2, 3, 4, 5][..]));
    assert_eq!(pool.stats().forwarded, 8 * 8);
    parent.disarm();
    drop(v);
    drop(pool);
    parent.assert_no_leaks();
}

#[test]
fn a_string_is_unchanged_when_its_growth_is_refused() {
    let parent = TestAlloc::new();
    let pool = Pool::new_in(Layout::new::<[u8; 16]>(), &parent);
    let mut s = String::new_in(&pool);
    s.push_str("hello");
    let ptr = s.as_ptr();
    parent.fail_all();
    s.try_push_str(" pool").unwrap(); // within the 16-byte block
    let cap = s.capacity();
    assert_eq!((s.as_ptr(), cap), (ptr, 16));
    assert_alloc_error(s.try_push_str(", and the parent"));
    assert_alloc_error(s.try_reserve(100));
    assert_alloc_error(s.try_insert_str(0, "a much longer prefix"));
    assert_eq!((s.as_str(), s.as_ptr(), s.capacity()), ("hello pool", ptr, cap));
    assert_eq!(pool.stats().live_blocks, 1);
    parent.disarm();
    drop(s);
    drop(pool);
    parent.assert_no_leaks();
}

#[test]
fn a_refused_resize_keeps_the_block() {
    let parent = TestAlloc::new();
    let pool = Pool::new_in(Layout::new::<[u8; 32]>(), &parent);
    let a = (&pool).allocate(layout(32, 8)).unwrap().cast::<u8>();
    let b = (&pool).allocate(layout(100, 8)).unwrap().cast::<u8>();
    // SAFETY: 32 and 100 bytes, ours.
    unsafe {
        fill(a, 1, 0, 32);
        fill(b, 2, 0, 100);
    }
    // Carve every block of the first slab, so that moving into the pool needs a new slab.
    let mut rest = std::vec::Vec::new();
    while pool.stats().free_blocks > 0 {
        rest.push((&pool).allocate(layout(32, 8)).unwrap().cast::<u8>());
    }
    let before = pool.stats();
    parent.fail_all();
    // SAFETY: `a` is live with 32 bytes; growing past the block needs the parent.
    assert!(unsafe { (&pool).grow(a, layout(32, 8), layout(64, 8)) }.is_err());
    // SAFETY: `b` is live with exactly 100 bytes; the parent resizes it.
    assert!(unsafe { (&pool).grow(b, layout(100, 8), layout(200, 8)) }.is_err());
    // SAFETY: as above; shrinking into the pool needs a slab.
    assert!(unsafe { (&pool).shrink(b, layout(100, 8), layout(20, 8)) }.is_err());
    assert_eq!(pool.stats(), before);
    // SAFETY: both blocks are still live and hold their patterns.
    unsafe {
        assert_pattern(a, 1, 32);
        assert_pattern(b, 2, 100);
    }
    // A free block is enough for the shrink.
    // SAFETY: the last carved block is live with 32 bytes.
    unsafe { (&pool).deallocate(rest.pop().unwrap(), layout(32, 8)) };
    // SAFETY: `b` is live with exactly 100 bytes.
    let c = unsafe { (&pool).shrink(b, layout(100, 8), layout(20, 8)) }.unwrap().cast::<u8>();
    // SAFETY: 32 bytes handed out, the first 20 kept.
    unsafe { assert_pattern(c, 2, 20) };
    parent.disarm();
    // SAFETY: every block is live with these layouts.
    unsafe {
        (&pool).deallocate(a, layout(32, 8));
        (&pool).deallocate(c, layout(20, 8));
        for p in rest {
            (&pool).deallocate(p, layout(32, 8));
        }
    }
    assert_accounted(&pool, &parent);
    drop(pool);
    parent.assert_no_leaks();
}

#[test]
fn try_with_capacity_in_reports_overflow_and_refusal() {
    let parent = TestAlloc::new();
    let near = isize::MAX as usize / 8;
    for blocks in [usize::MAX, usize::MAX / 2, near, near - 2] {
        let err = Pool::try_with_capacity_in(Layout::new::<u64>(), blocks, &parent).unwrap_err();
        assert_eq!(err.kind(), TryReserveErrorKind::CapacityOverflow, "{blocks} blocks");
    }
    assert_eq!(parent.stats().requests(), 0, "an overflowing capacity never reaches the parent");

    parent.fail_all();
    let err = Pool::try_with_capacity_in(Layout::new::<u64>(), 1000, &parent).unwrap_err();
    let TryReserveErrorKind::AllocError { layout, .. } = err.kind() else {
        panic!("{err:?}");
    };
    assert!(layout.size() > 8000, "{layout:?} is not the slab of 1000 blocks");
    assert_eq!(parent.stats().failed, 1);
    parent.disarm();
    let pool = Pool::try_with_capacity_in(Layout::new::<u64>(), 1000, &parent).unwrap();
    assert_eq!(pool.stats().reserved, layout.size(), "the error named the slab's layout");
    drop(pool);
    parent.assert_no_leaks();

    // Zero blocks take nothing, so nothing can be refused.
    parent.fail_all();
    let requests = parent.stats().requests();
    let pool = Pool::try_with_capacity_in(Layout::new::<u64>(), 0, &parent).unwrap();
    let s = pool.stats();
    assert_eq!((s.slabs, s.capacity, s.reserved), (0, 0, 0), "{s:?}");
    assert_eq!(parent.stats().requests(), requests);
}

#[test]
fn after_a_refusal_free_blocks_are_still_handed_out() {
    let parent = TestAlloc::new();
    let pool = Pool::with_capacity_in(Layout::new::<u64>(), 4, &parent);
    let mut boxes: std::vec::Vec<_> = (0..4u64).map(|i| Box::new_in(i, &pool)).collect();
    assert_eq!(parent.stats().allocate, 1, "the four blocks are the first slab's");
    parent.fail_all();
    assert!(Box::try_new_in(4u64, &pool).is_err(), "a fifth block needs a slab");
    let freed = Box::as_ptr(&boxes[1]);
    drop(boxes.remove(1));
    let b = Box::try_new_in(5u64, &pool).unwrap();
    assert_eq!(Box::as_ptr(&b), freed, "the freed block");
    boxes.push(b);
    assert!(Box::try_new_in(6u64, &pool).is_err());
    parent.disarm();
    boxes.push(Box::try_new_in(6u64, &pool).unwrap());
    assert_eq!(boxes.iter().map(|b| **b).collect::<std::vec::Vec<_>>(), [0, 2, 3, 5, 6]);
    assert_eq!(pool.stats().slabs, 2);
    assert_accounted(&pool, &parent);
    drop(boxes);
    drop(pool);
    parent.assert_no_leaks();
}

/// A workload over a parent that refuses every `n`-th request: boxes that fit the block,
/// boxes that do not, a `Vec` that crosses sides, raw blocks grown and shrunk across.
/// Every fallible call either succeeds or fails without changing anything; the contents
/// stay intact. Returns how many calls failed.
fn workload_failing_every(n: u64) -> usize {
    let parent = TestAlloc::failing(FailPlan::Nth(n));
    let mut failures = 0;
    {
        let pool = Pool::new_in(Layout::new::<[u64; 4]>(), &parent);
        let p = &pool;
        let mut small: std::vec::Vec<Box<[u64; 4], &TestPool<'_>>> = std::vec::Vec::new();
        let mut big: std::vec::Vec<Box<[u64; 9], &TestPool<'_>>> = std::vec::Vec::new();
        let mut v: Vec<u64, &TestPool<'_>> = Vec::new_in(p);
        let mut raw: std::vec::Vec<(NonNull<u8>, Layout, u64)> = std::vec::Vec::new();
        for i in 0..1500u64 {
            let failed = parent.stats().failed;
            let before = pool.stats();
            let ok = match i % 11 {
                0..=4 => Box::try_new_in([i; 4], p).map(|b| small.push(b)).is_ok(),
                5 => {
                    if !small.is_empty() {
                        let k = (i as usize * 7) % small.len();
                        small.swap_remove(k);
                    }
                    if big.len() > 3 {
                        big.remove(0);
                    }
                    true
                }
                6 => Box::try_new_in([i; 9], p).map(|b| big.push(b)).is_ok(),
                7 => {
                    let (len, cap, ptr) = (v.len(), v.capacity(), v.as_ptr());
                    let ok = v.try_push(i).is_ok();
                    if !ok {
                        assert_eq!((v.len(), v.capacity(), v.as_ptr()), (len, cap, ptr));
                    }
                    if ok && v.len() > 12 {
                        v = Vec::new_in(p);
                    }
                    ok
                }
                8 => match p.allocate(layout(20, 8)) {
                    Ok(block) => {
                        // SAFETY: 32 bytes handed out, ours.
                        unsafe { fill(block.cast(), i, 0, 20) };
                        raw.push((block.cast(), layout(20, 8), i));
                        true
                    }
                    Err(_) => false,
                },
                _ => match raw.pop() {
                    Some((ptr, old, tag)) => {
                        // Pooled blocks grow past the block, forwarded ones shrink into it.
                        let new = if old.size() == 20 { layout(90, 8) } else { layout(20, 8) };
                        // SAFETY: `ptr` is live with `old`; `new` is larger for the grow
                        // and smaller for the shrink.
                        let r = unsafe {
                            if new.size() > old.size() {
                                p.grow(ptr, old, new)
                            } else {
                                p.shrink(ptr, old, new)
                            }
                        };
                        let kept = old.size().min(new.size());
                        match r {
                            Ok(block) => {
                                // SAFETY: the resized block is ours, its prefix kept.
                                unsafe {
                                    assert_pattern(block.cast(), tag, kept);
                                    fill(block.cast(), tag, kept, new.size());
                                }
                                raw.push((block.cast(), new, tag));
                                true
                            }
                            Err(_) => {
                                // SAFETY: the block was not given up.
                                unsafe { assert_pattern(ptr, tag, old.size()) };
                                raw.push((ptr, old, tag));
                                false
                            }
                        }
                    }
                    None => true,
                },
            };
            if !ok {
                failures += 1;
                assert_eq!(parent.stats().failed, failed + 1, "refused with no refusal");
                assert_eq!(pool.stats(), before, "a refused call changed the pool");
            }
            if parent.stats().failed > failed {
                parent.fail_nth(n);
            }
            if i % 100 == 0 {
                assert_accounted(&pool, &parent);
            }
        }
        assert!(small.iter().all(|b| b.iter().all(|&x| x == b[0])));
        assert!(big.iter().all(|b| b.iter().all(|&x| x == b[0])));
        assert!(v.windows(2).all(|w| w[0] < w[1]), "the vector's elements changed");
        for &(ptr, layout, tag) in &raw {
            // SAFETY: live blocks holding their patterns.
            unsafe { assert_pattern(ptr, tag, layout.size()) };
        }
        parent.disarm();
        for (ptr, layout, _) in raw {
            // SAFETY: live with `layout`.
            unsafe { p.deallocate(ptr, layout) };
        }
        assert_accounted(&pool, &parent);
    }
    parent.assert_no_leaks();
    failures
}

#[test]
fn a_refusal_every_n_requests_is_reported_cleanly() {
    for n in 1..=12 {
        let failures = workload_failing_every(n);
        assert!(failures > 0, "no refusal reached a caller with n = {n}");
        // Refusals of slabs are rare (each serves many blocks), so most calls succeed.
        assert!(n == 1 || failures < 300, "{failures} failures with n = {n}");
    }
}
