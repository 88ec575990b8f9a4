//! `Counting<A>`: exact counts after known sequences of operations, over `Global` and over
//! `TestAlloc` (whose own counters must agree), refusals, peaks, `since`, the
//! `GlobalAlloc` side, sharing between threads, and the other crates' collections.

use std::alloc::{GlobalAlloc, System};
use std::mem::MaybeUninit;
use std::ptr::NonNull;

use allockit::alloc::{Allocator, Global, Layout};
use allockit::wrappers::{Counting, CountingStats, FromGlobalAlloc};
use allockit::{Box, Bump, String, Vec, vec};

use super::Probe;
use crate::common::test_alloc::{FailPlan, Stats, TestAlloc};

/// A `CountingStats` with the named fields set and the others zero (the struct is
/// `#[non_exhaustive]`, so it cannot be built with a literal outside the crate).
macro_rules! stats {
    ($($field:ident: $value:expr),* $(,)?) => {{
        #[allow(unused_mut)] // `stats! {}` sets nothing
        let mut s = CountingStats::default();
        $(s.$field = $value;)*
        s
    }};
}

/// The counters `Counting` keeps that `TestAlloc` keeps too agree, for a run without
/// refusals. (Peaks differ: `TestAlloc` moves every block it grows, so its peak holds both
/// copies for a moment; `Counting` counts a grow by the bytes it adds.)
#[track_caller]
fn agree(c: CountingStats, t: Stats) {
    assert_eq!(t.failed, 0, "{t:?}");
    assert_eq!(c.allocations as u64, t.allocate + t.allocate_zeroed, "{c:?} {t:?}");
    assert_eq!(c.grows as u64, t.grow + t.grow_zeroed, "{c:?} {t:?}");
    assert_eq!(c.shrinks as u64, t.shrink, "{c:?} {t:?}");
    assert_eq!(c.deallocations as u64, t.deallocate, "{c:?} {t:?}");
    assert_eq!(c.failures, 0, "{c:?}");
    assert_eq!(c.live_blocks, t.live_blocks, "{c:?} {t:?}");
    assert_eq!(c.live_bytes, t.live_bytes, "{c:?} {t:?}");
}

/// The sequence of the two exact-count tests below, with the counts expected after each
/// step (checked by `check` with the counter's snapshot).
fn known_sequence<A: Allocator + Copy>(alloc: A, check: impl Fn(CountingStats)) {
    let mut v: Vec<u64, A> = Vec::new_in(alloc);
    check(stats! {});
    for i in 0..9 {
        v.push(i); // capacity 4 (32 bytes), 8 (+32), 16 (+64)
    }
    check(stats! {
        allocations: 1, grows: 2, live_blocks: 1, live_bytes: 128, peak_bytes: 128,
        total_bytes: 128,
    });
    v.shrink_to_fit(); // 16 → 9 elements: 128 → 72 bytes
    check(stats! {
        allocations: 1, grows: 2, shrinks: 1, live_blocks: 1, live_bytes: 72, peak_bytes: 128,
        total_bytes: 128,
    });
    let b = Box::new_in(5u32, alloc);
    let mut s = String::from_str_in("hello", alloc);
    assert_eq!(s.capacity(), 5);
    check(stats! {
        allocations: 3, grows: 2, shrinks: 1, live_blocks: 3, live_bytes: 81, peak_bytes: 128,
        total_bytes: 137,
    });
    s.push_str(" world!"); // 12 bytes needed, 2 × 5 = 10 is too few: exactly 12
    assert_eq!(s.capacity(), 12);
    let z = Box::<[u8; 100], A>::new_zeroed_in(alloc); // `allocate_zeroed`
    check(stats! {
        allocations: 4, grows: 3, shrinks: 1, live_blocks: 4, live_bytes: 188, peak_bytes: 188,
        total_bytes: 244,
    });
    drop((v, b));
    check(stats! {
        allocations: 4, grows: 3, shrinks: 1, deallocations: 2, live_blocks: 2, live_bytes: 112,
        peak_bytes: 188, total_bytes: 244,
    });
    drop((s, z));
    let empty: Vec<u64, A> = Vec::new_in(alloc);
    let zst: Box<(), A> = Box::new_in((), alloc);
    drop((empty, zst)); // never reach the allocator
    check(stats! {
        allocations: 4, grows: 3, shrinks: 1, deallocations: 4, peak_bytes: 188,
        total_bytes: 244,
    });
}

#[test]
fn exact_counts_over_global() {
    let counter = Counting::new(Global);
    known_sequence(&counter, |expected| assert_eq!(counter.stats(), expected));
}

#[test]
fn exact_counts_over_test_alloc_agree_with_its_own() {
    let test = TestAlloc::new();
    let counter = Counting::new(&test);
    known_sequence(&counter, |expected| {
        assert_eq!(counter.stats(), expected);
        agree(counter.stats(), test.stats());
    });
    // The zeroed request reached `TestAlloc` as `allocate_zeroed`: forwarded, not emulated.
    assert_eq!((test.stats().allocate, test.stats().allocate_zeroed), (3, 1));
    test.assert_no_leaks();
}

#[test]
fn zeroed_methods_are_forwarded_not_emulated() {
    let test = TestAlloc::new();
    let counter = Counting::new(&test);
    let small = Layout::from_size_align(16, 8).unwrap();
    let big = Layout::from_size_align(64, 8).unwrap();
    let block = counter.allocate_zeroed(small).unwrap();
    assert_eq!(block.len(), 16);
    // SAFETY: the block is live with `small`, and `big` is larger with the same alignment.
    let grown = unsafe { counter.grow_zeroed(block.cast(), small, big) }.unwrap();
    // SAFETY: `grow_zeroed` returned 64 initialised bytes.
    assert!(unsafe { grown.as_ref() }.iter().all(|&b| b == 0));
    let t = test.stats();
    assert_eq!((t.allocate, t.allocate_zeroed, t.grow, t.grow_zeroed), (0, 1, 0, 1));
    assert_eq!(
        counter.stats(),
        stats! { allocations: 1, grows: 1, live_blocks: 1, live_bytes: 64, peak_bytes: 64, total_bytes: 64 }
    );
    // SAFETY: the grown block is live with `big`.
    unsafe { counter.deallocate(grown.cast(), big) };
    test.assert_no_leaks();
}

#[test]
fn blocks_are_cut_to_the_requested_size() {
    // `TestAlloc::with_slack` hands out 8 bytes more than asked; passed on, a collection
    // could give a block back with a size that was never counted.
    let test = TestAlloc::with_slack(8);
    let counter = Counting::new(&test);
    let layout = Layout::from_size_align(24, 8).unwrap();
    let block = counter.allocate(layout).unwrap();
    assert_eq!(block.len(), 24);
    // SAFETY: live with `layout`; 40 bytes, same alignment.
    let block =
        unsafe { counter.grow(block.cast(), layout, Layout::from_size_align(40, 8).unwrap()) }
            .unwrap();
    assert_eq!(block.len(), 40);
    let mut v: Vec<u8, _> = Vec::with_capacity_in(10, &counter);
    v.extend_from_slice(b"0123456789");
    assert_eq!(v.capacity(), 10);
    agree(counter.stats(), test.stats());
    drop(v);
    // SAFETY: live with the 40-byte layout.
    unsafe { counter.deallocate(block.cast(), Layout::from_size_align(40, 8).unwrap()) };
    agree(counter.stats(), test.stats());
    test.assert_no_leaks();
}

#[test]
fn refusals_count_as_failures_only() {
    let test = TestAlloc::failing(FailPlan::Nth(2));
    let counter = Counting::new(&test);
    let mut v: Vec<u32, _> = Vec::new_in(&counter);
    v.push(1); // request 1: allocate 16 bytes
    assert!(v.try_reserve(100).is_err()); // request 2: grow, refused
    assert_eq!(v.capacity(), 4);
    let expected = stats! { allocations: 1, failures: 1, live_blocks: 1, live_bytes: 16, peak_bytes: 16, total_bytes: 16 };
    assert_eq!(counter.stats(), expected);
    assert_eq!(test.stats().failed, 1);

    test.fail_all();
    assert!(Box::try_new_in(7u64, &counter).is_err());
    assert!(Box::<[u8; 8], _>::try_new_zeroed_in(&counter).is_err());
    let old = Layout::new::<[u32; 4]>();
    let ptr = NonNull::new(v.as_mut_ptr()).unwrap().cast::<u8>();
    // SAFETY: `v`'s buffer is live with `old` (capacity 4 of `u32`); the calls are refused,
    // so it stays `v`'s.
    unsafe {
        assert!(counter.grow_zeroed(ptr, old, Layout::new::<[u32; 8]>()).is_err());
        assert!(counter.shrink(ptr, old, Layout::new::<[u32; 2]>()).is_err());
    }
    let mut expected = expected;
    expected.failures = 5;
    assert_eq!(counter.stats(), expected);
    assert_eq!(test.stats().failed, 5);

    test.disarm();
    v.extend(2..=8); // grows to 8: the refused calls changed nothing
    assert_eq!(v, [1, 2, 3, 4, 5, 6, 7, 8]);
    drop(v);
    let s = counter.stats();
    assert_eq!((s.allocations, s.grows, s.deallocations, s.failures), (1, 1, 1, 5));
    assert_eq!((s.live_bytes, s.peak_bytes, s.total_bytes), (0, 32, 32));
    test.assert_no_leaks();
}

#[test]
fn peak_follows_the_high_water_mark_and_resets_to_live() {
    let counter = Counting::new(Global);
    let a: Vec<u8, _> = Vec::with_capacity_in(100, &counter);
    let b: Vec<u8, _> = Vec::with_capacity_in(50, &counter);
    assert_eq!(counter.stats().peak_bytes, 150);
    drop(a);
    assert_eq!((counter.stats().live_bytes, counter.stats().peak_bytes), (50, 150));
    counter.reset_peak();
    assert_eq!(counter.stats().peak_bytes, 50);
    let c: Vec<u8, _> = Vec::with_capacity_in(20, &counter);
    assert_eq!(counter.stats().peak_bytes, 70);
    drop(c);
    let mut d: Vec<u8, _> = Vec::with_capacity_in(10, &counter);
    d.reserve_exact(30); // a grow raises the peak by its delta: 50 + 30
    assert_eq!((counter.stats().live_bytes, counter.stats().peak_bytes), (80, 80));
    drop((b, d));
    counter.reset_peak();
    assert_eq!(counter.stats().peak_bytes, 0);
}

#[test]
fn since_counts_the_interval_and_keeps_the_levels() {
    let counter = Counting::new(Global);
    let kept = vec![in &counter; 0u64; 10]; // 80 bytes that outlive the interval

    let before = counter.stats();
    counter.reset_peak();
    let leaked = {
        let mut reply = String::new_in(&counter);
        reply.push_str("0123456789"); // 10 bytes
        reply.push_str("0123456789"); // grows to 20
        let b = Box::new_in([0u32; 8], &counter); // 32 bytes, kept
        drop(reply);
        b
    };
    let during = counter.stats().since(before);
    assert_eq!(
        during,
        stats! {
            allocations: 2, grows: 1, deallocations: 1,
            live_blocks: 2, live_bytes: 80 + 32, peak_bytes: 80 + 20 + 32, total_bytes: 20 + 32,
        }
    );
    // What the interval left allocated: compare the levels.
    assert_eq!(during.live_bytes - before.live_bytes, 32);
    // Nothing happened since a snapshot: no counts, levels unchanged.
    let now = counter.stats();
    assert_eq!(now.since(now), stats! { live_blocks: 2, live_bytes: 112, peak_bytes: 132 });
    drop((kept, leaked));
}

#[test]
fn since_wraps_around() {
    let mut earlier = CountingStats::default();
    earlier.allocations = usize::MAX - 1;
    earlier.total_bytes = usize::MAX;
    let mut later = CountingStats::default();
    later.allocations = 3; // five allocations later, past the overflow
    later.total_bytes = 9;
    let d = later.since(earlier);
    assert_eq!((d.allocations, d.total_bytes), (5, 10));
}

#[test]
fn global_alloc_side_counts_realloc_by_size() {
    let counter = Counting::new(System);
    let layout = Layout::from_size_align(64, 16).unwrap();
    // SAFETY: every call below passes a live block of `System` (through the counter) with
    // the layout it currently has, and non-zero sizes.
    unsafe {
        let p = counter.alloc(layout);
        assert!(!p.is_null());
        let p = counter.realloc(p, layout, 200); // grow
        assert!(!p.is_null());
        let grown = Layout::from_size_align(200, 16).unwrap();
        let p = counter.realloc(p, grown, 200); // same size: neither
        assert!(!p.is_null());
        let p = counter.realloc(p, grown, 8); // shrink
        assert!(!p.is_null());
        let z = counter.alloc_zeroed(layout);
        assert!(std::slice::from_raw_parts(z, 64).iter().all(|&b| b == 0));
        assert_eq!(
            counter.stats(),
            stats! {
                allocations: 2, grows: 1, shrinks: 1, live_blocks: 2, live_bytes: 8 + 64,
                peak_bytes: 200, total_bytes: 64 + 136 + 64,
            }
        );
        counter.dealloc(p, Layout::from_size_align(8, 16).unwrap());
        counter.dealloc(z, layout);
    }
    let s = counter.stats();
    assert_eq!((s.deallocations, s.live_blocks, s.live_bytes), (2, 0, 0));
}

#[test]
fn global_alloc_side_counts_nulls_as_failures() {
    let counter = Counting::new(Probe);
    let layout = Layout::from_size_align(32, 8).unwrap();
    // SAFETY: as above: live blocks with their current layouts, non-zero sizes.
    unsafe {
        let p = counter.alloc(layout);
        assert!(!p.is_null());
        Probe::refuse(true);
        assert!(counter.alloc(layout).is_null());
        assert!(counter.alloc_zeroed(layout).is_null());
        assert!(counter.realloc(p, layout, 64).is_null());
        assert!(counter.realloc(p, layout, 16).is_null());
        Probe::refuse(false);
        assert_eq!(
            counter.stats(),
            stats! { allocations: 1, failures: 4, live_blocks: 1, live_bytes: 32, peak_bytes: 32, total_bytes: 32 }
        );
        counter.dealloc(p, layout); // the refused reallocs left it as it was
    }
    assert_eq!(counter.stats().live_bytes, 0);
    Probe::assert_clean();
}

#[test]
fn shared_between_threads_ends_with_nothing_live() {
    const THREADS: usize = 4;
    const ROUNDS: usize = 50;
    let counter = Counting::new(Global);
    let test = TestAlloc::new();
    let checked = Counting::new(&test);
    std::thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| {
                for round in 0..ROUNDS {
                    let mut v: Vec<u64, _> = Vec::new_in(&counter);
                    v.extend(0..100); // one allocation of exactly 100 × 8 bytes
                    let mut w: Vec<u64, _> = Vec::new_in(&checked);
                    for i in 0..100 {
                        w.push(i); // 4, 8, ..., 128: 1 allocation, 5 grows
                    }
                    let b = Box::new_in([round; 5], &counter); // 40 bytes
                    let mut s = String::new_in(&counter);
                    s.push_str("abc"); // 8 bytes
                    assert_eq!((v.len(), w.len(), b.len(), s.len()), (100, 100, 5, 3));
                }
            });
        }
    });
    let n = THREADS * ROUNDS;
    let s = counter.stats();
    assert_eq!((s.allocations, s.deallocations, s.grows, s.shrinks), (3 * n, 3 * n, 0, 0));
    assert_eq!((s.live_blocks, s.live_bytes, s.total_bytes), (0, 0, 848 * n));
    assert!((848..=848 * THREADS).contains(&s.peak_bytes), "{s:?}");
    let c = checked.stats();
    assert_eq!((c.allocations, c.grows, c.deallocations), (n, 5 * n, n));
    assert_eq!((c.live_bytes, c.total_bytes), (0, 1024 * n));
    assert!((1024..=1024 * THREADS).contains(&c.peak_bytes), "{c:?}");
    agree(c, test.stats());
    test.assert_no_leaks();
}

#[test]
fn is_send_and_sync_and_usable_from_a_static() {
    fn shared<T: Send + Sync>(_: &T) {}
    static COUNTER: Counting<Global> = Counting::new(Global);
    shared(&COUNTER);
    // Other tests run in parallel, but nothing else uses this static.
    let v = std::thread::spawn(|| vec![in &COUNTER; 1u8; 10]).join().unwrap();
    assert_eq!(COUNTER.stats().live_bytes, 10);
    drop(v);
    assert_eq!(COUNTER.stats().live_bytes, 0);
    let _: Global = Counting::new(Global).into_inner();
    let _: &Global = Counting::new(Global).inner();
    assert!(format!("{:?}", Counting::new(Global)).contains("live_bytes: 0"));
}

#[test]
fn wraps_other_allocators_and_is_wrapped_by_them() {
    // Counting what a bump takes from its parent: the chunks, not the values.
    let counter = Counting::new(Global);
    {
        let bump = Bump::new_in(&counter);
        for i in 0..1000u64 {
            bump.alloc(i);
        }
        let s = counter.stats();
        assert_eq!(s.allocations, bump.stats().chunks);
        assert_eq!(s.live_bytes, bump.stats().reserved);
    }
    assert_eq!(counter.stats().live_bytes, 0);

    // Counting the collections in a bump: `Counting<&Bump>`.
    let bump = Bump::new();
    let in_bump = Counting::new(&bump);
    let mut v: Vec<u32, _> = Vec::new_in(&in_bump);
    v.extend(0..10);
    v.push(10); // 10 → 20 elements, in place in the bump
    let s = in_bump.stats();
    assert_eq!((s.allocations, s.grows, s.live_bytes), (1, 1, 80));
    drop(v);

    // Counting over the system allocator through `FromGlobalAlloc`.
    let system = Counting::new(FromGlobalAlloc::new(System));
    let b = Box::new_in(MaybeUninit::<[u8; 4096]>::uninit(), &system);
    assert_eq!(system.stats().live_bytes, 4096);
    drop(b);
    assert_eq!(system.stats().deallocations, 1);
}

#[test]
fn hashbrown_counts_through_allocator_api2() {
    // hashbrown uses allocator-api2's trait, which `Counting` implements in both builds.
    let counter = Counting::new(Global);
    let mut map = hashbrown::HashMap::new_in(&counter);
    for i in 0..100u32 {
        map.insert(i, i);
    }
    let s = counter.stats();
    assert!(s.allocations >= 1 && s.live_blocks == 1, "{s:?}");
    assert_eq!(s.live_bytes, map.allocation_size());
    drop(map);
    assert_eq!(counter.stats().live_bytes, 0);
}

#[cfg(feature = "nightly")]
#[test]
fn std_collections_count_through_core_allocator() {
    let counter = Counting::new(Global);
    let mut v: std::vec::Vec<u64, _> = std::vec::Vec::new_in(&counter);
    for i in 0..9 {
        v.push(i);
    }
    let b = std::boxed::Box::new_in(1u32, &counter);
    let s = counter.stats();
    assert_eq!((s.allocations, s.grows, s.live_bytes), (2, 2, 128 + 4));
    drop((v, b));
    assert_eq!(counter.stats().live_bytes, 0);
    // std's own `System` is a core `Allocator` on nightly: counted directly.
    let system = Counting::new(System);
    let z = std::boxed::Box::<[u8; 64], _>::new_zeroed_in(&system);
    assert_eq!(system.stats().live_bytes, 64);
    drop(z);
}
