//! Self-tests of the harness: each check in `common` must actually fire, or the tests that
//! rely on it prove nothing.

use std::mem::ManuallyDrop;
use std::ptr::{self, NonNull};

use allockit::alloc::{Allocator, Layout};

use crate::common::drop_counter::{self, Counts, Tracked, TrackedZst};
use crate::common::panics::{catch, expect_panic};
use crate::common::test_alloc::{FRESH, FailPlan, SharedAlloc, TestAlloc};

#[test]
fn test_alloc_rejects_bad_frees() {
    let alloc = TestAlloc::new();
    let layout = Layout::from_size_align(24, 8).unwrap();
    let block = alloc.allocate(layout).unwrap();
    let ptr = block.cast::<u8>();
    // SAFETY: the block is 24 fresh bytes.
    assert!(unsafe { block.as_ref() }.iter().all(|&b| b == FRESH));
    let wrong_size = Layout::from_size_align(16, 8).unwrap();
    let wrong_align = Layout::from_size_align(24, 16).unwrap();
    // SAFETY: the allocator checks the layout and panics before freeing anything.
    let m = expect_panic(|| unsafe { alloc.deallocate(ptr, wrong_size) });
    assert!(m.contains("does not fit"), "{m}");
    // SAFETY: as above.
    let m = expect_panic(|| unsafe { alloc.deallocate(ptr, wrong_align) });
    assert!(m.contains("does not fit"), "{m}");
    // SAFETY: 8 bytes into a 24-byte block, so in bounds and not null.
    let inner = unsafe { NonNull::new_unchecked(ptr.as_ptr().add(8)) };
    // SAFETY: as above.
    let m = expect_panic(|| unsafe { alloc.deallocate(inner, layout) });
    assert!(m.contains("not a live block"), "{m}");
    // SAFETY: as above: a grow to a smaller size is refused before anything happens.
    let m = expect_panic(|| unsafe { alloc.grow(ptr, layout, wrong_size) });
    assert!(m.contains("smaller"), "{m}");
    let bigger = Layout::from_size_align(32, 8).unwrap();
    // SAFETY: as above.
    let m = expect_panic(|| unsafe { alloc.shrink(ptr, layout, bigger) });
    assert!(m.contains("larger"), "{m}");
    assert_eq!(alloc.stats().live_blocks, 1);
    // SAFETY: the block is live with `layout`.
    let moved = unsafe { alloc.grow(ptr, layout, bigger) }.unwrap().cast::<u8>();
    assert_eq!(alloc.layout_of(moved.as_ptr()), Some(bigger));
    assert_eq!(alloc.layout_of(ptr.as_ptr()), None, "grow always moves the block");
    // SAFETY: freed once, with its current layout.
    unsafe { alloc.deallocate(moved, bigger) };
    alloc.assert_no_leaks();
    let leaked = alloc.allocate(layout).unwrap();
    let m = expect_panic(|| alloc.assert_no_leaks());
    assert!(m.contains("leaked"), "{m}");
    // SAFETY: the block is live with `layout`; freeing it keeps the sanitizer run clean.
    unsafe { alloc.deallocate(leaked.cast(), layout) };
    alloc.assert_no_leaks();
}

#[test]
fn test_alloc_slack_fits() {
    let alloc = TestAlloc::with_slack(8);
    let layout = Layout::from_size_align(16, 8).unwrap();
    let block = alloc.allocate(layout).unwrap();
    assert_eq!(block.len(), 24);
    // Any size between the requested one and the returned length fits.
    let returned = Layout::from_size_align(24, 8).unwrap();
    // SAFETY: the block is live and 24 fits it.
    unsafe { alloc.deallocate(block.cast(), returned) };
    alloc.assert_no_leaks();
}

#[test]
fn fail_plans() {
    let layout = Layout::new::<u64>();
    let outcomes = |alloc: &TestAlloc| -> Vec<bool> {
        (0..5)
            .map(|_| match alloc.allocate(layout) {
                Ok(b) => {
                    // SAFETY: just allocated with `layout`.
                    unsafe { alloc.deallocate(b.cast(), layout) };
                    true
                }
                Err(_) => false,
            })
            .collect()
    };
    assert_eq!(outcomes(&TestAlloc::failing(FailPlan::Nth(3))), [true, true, false, true, true]);
    assert_eq!(
        outcomes(&TestAlloc::failing(FailPlan::AllAfter(2))),
        [true, true, false, false, false]
    );
    let alloc = TestAlloc::new();
    alloc.fail_all();
    assert_eq!(outcomes(&alloc), [false; 5]);
    alloc.disarm();
    assert_eq!(outcomes(&alloc), [true; 5]);
    assert_eq!(alloc.stats().failed, 5);
    let shared = SharedAlloc::new();
    let copy = shared.clone();
    assert_eq!(shared.handles(), 2);
    drop(copy);
    assert_eq!(shared.handles(), 1);
}

#[test]
fn random_plans_repeat_for_a_seed_and_refuse_about_one_in_n() {
    let layout = Layout::new::<u64>();
    let outcomes = |plan: FailPlan| -> Vec<bool> {
        let alloc = TestAlloc::failing(plan);
        let served = (0..4000)
            .map(|_| match alloc.allocate(layout) {
                Ok(b) => {
                    // SAFETY: just allocated with `layout`.
                    unsafe { alloc.deallocate(b.cast(), layout) };
                    true
                }
                Err(_) => false,
            })
            .collect::<Vec<_>>();
        assert_eq!(alloc.refused(), served.iter().filter(|&&ok| !ok).count() as u64);
        alloc.assert_no_leaks();
        served
    };
    let a = outcomes(FailPlan::Random { seed: 7, one_in: 4 });
    assert_eq!(a, outcomes(FailPlan::Random { seed: 7, one_in: 4 }), "a seed repeats");
    assert_ne!(a, outcomes(FailPlan::Random { seed: 8, one_in: 4 }), "seeds differ");
    let refused = a.iter().filter(|&&ok| !ok).count();
    assert!((800..1200).contains(&refused), "{refused} of 4000 refused at one in 4");
    assert!(outcomes(FailPlan::Random { seed: 1, one_in: 1 }).iter().all(|&ok| !ok));
    // Small seeds differ from their first request on: about half refuse it at one in 2.
    let first_refused = (0..64)
        .filter(|&seed| {
            let alloc = TestAlloc::failing(FailPlan::Random { seed, one_in: 2 });
            alloc
                .allocate(layout)
                .map(|b| {
                    // SAFETY: just allocated with `layout`.
                    unsafe { alloc.deallocate(b.cast(), layout) }
                })
                .is_err()
        })
        .count();
    assert!((16..48).contains(&first_refused), "{first_refused} of 64 small seeds refused first");
}

#[test]
fn armed_only_plans_refuse_inside_armed_calls_only() {
    let layout = Layout::new::<u64>();
    let alloc = TestAlloc::failing_when_armed(FailPlan::Nth(2));
    let try_one = || match alloc.allocate(layout) {
        Ok(b) => {
            // SAFETY: just allocated with `layout`.
            unsafe { alloc.deallocate(b.cast(), layout) };
            true
        }
        Err(_) => false,
    };
    // Unarmed requests are served and not counted towards the plan.
    assert!((0..5).all(|_| try_one()));
    assert!(alloc.armed(try_one), "the first armed request is served");
    assert!(try_one(), "unarmed again");
    assert!(!alloc.armed(try_one), "the second armed request is refused");
    assert_eq!(alloc.refused(), 1);
    // A panic inside `armed` disarms on the way out, and calls nest.
    let m = expect_panic(|| alloc.armed(|| alloc.armed(|| panic!("inside"))));
    assert_eq!(m, "inside");
    alloc.set_plan(FailPlan::AllAfter(0));
    assert!(try_one(), "disarmed after the panic");
    assert!(!alloc.armed(try_one));
    alloc.assert_no_leaks();
}

#[test]
fn drop_counter_catches_double_drops_and_counts() {
    drop_counter::reset();
    let t = ManuallyDrop::new(Tracked::new(1));
    // SAFETY: two bitwise copies of a value without heap memory; the second drop is the
    // double drop the ledger must catch (it only touches the ledger).
    let (a, b) = unsafe { (ptr::read(&*t), ptr::read(&*t)) };
    drop(a);
    let m = expect_panic(|| drop(b));
    assert!(m.contains("double drop"), "{m}");
    let u = Tracked::new(2);
    drop_counter::panic_on_clone(2);
    let c = u.clone();
    assert_eq!(expect_panic(|| u.clone()), drop_counter::CLONE_PANIC);
    drop_counter::panic_on_drop(1);
    assert_eq!(expect_panic(|| drop(c)), drop_counter::DROP_PANIC);
    drop(u);
    let z = TrackedZst::new();
    drop(z.clone());
    drop(z);
    assert_eq!(drop_counter::counts(), Counts { created: 5, dropped: 5 });
    assert_eq!(catch(|| 7), Ok(7));
    assert_eq!(catch(|| -> u8 { panic!("x{}", 1) }), Err("x1".to_owned()));
}
