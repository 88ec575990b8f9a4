//! Drop counting: the value is dropped once and then its memory freed; boxed slices drop
//! every element once, also when one element's destructor panics (compared with std's
//! `Box`); values of size 0 never reach the allocator.

use std::cell::Cell;

use allockit::{Box, Vec};

use crate::common::drop_counter::{self, DROP_PANIC, Tracked, TrackedZst};
use crate::common::panics::catch;
use crate::common::test_alloc::TestAlloc;

/// Records, when dropped, how many bytes its allocator still had live.
struct SeesMemory<'a> {
    alloc: &'a TestAlloc,
    seen: &'a Cell<Option<usize>>,
    _payload: [u64; 2],
}

impl Drop for SeesMemory<'_> {
    fn drop(&mut self) {
        assert!(self.seen.get().is_none(), "dropped twice");
        self.seen.set(Some(self.alloc.live_bytes()));
    }
}

#[test]
fn drop_is_two_phase_value_then_memory() {
    let alloc = TestAlloc::new();
    let seen = Cell::new(None);
    let b = Box::new_in(SeesMemory { alloc: &alloc, seen: &seen, _payload: [0; 2] }, &alloc);
    let size = size_of::<SeesMemory<'_>>();
    assert_eq!(alloc.live_bytes(), size);
    drop(b);
    assert_eq!(seen.get(), Some(size), "the value must be dropped while its memory is live");
    assert_eq!(alloc.stats().deallocate, 1);
    alloc.assert_no_leaks();
}

#[test]
fn value_is_dropped_once() {
    drop_counter::reset();
    let alloc = TestAlloc::new();
    let b = Box::new_in(Tracked::new(1), &alloc);
    let c = b.clone();
    drop(b);
    assert_eq!(drop_counter::counts().dropped, 1);
    let v = Box::into_inner(c);
    assert_eq!(drop_counter::counts().dropped, 1, "into_inner must not drop the value");
    alloc.assert_no_leaks();
    drop(v);
    assert_eq!(drop_counter::counts().live(), 0);
}

#[test]
fn panicking_destructor_still_frees_the_memory() {
    drop_counter::reset();
    let alloc = TestAlloc::new();
    let b = Box::new_in(Tracked::new(1), &alloc);
    drop_counter::panic_on_drop(1);
    assert_eq!(catch(|| drop(b)).unwrap_err(), DROP_PANIC);
    assert_eq!(drop_counter::counts().live(), 0);
    alloc.assert_no_leaks();
}

/// Drops a boxed slice of `len` `Tracked`s whose `nth` drop panics; returns the drop
/// count and whether the panic came out.
fn slice_drop_counts(len: u32, nth: Option<u64>, std: bool, alloc: &TestAlloc) -> (u64, bool) {
    drop_counter::reset();
    let items: std::vec::Vec<Tracked> = (0..len).map(Tracked::new).collect();
    let drop_it: std::boxed::Box<dyn FnOnce()> = if std {
        let b = items.into_boxed_slice();
        std::boxed::Box::new(move || drop(b))
    } else {
        let mut v = Vec::with_capacity_in(len as usize, alloc);
        v.extend(items);
        let b = v.into_boxed_slice();
        std::boxed::Box::new(move || drop(b))
    };
    if let Some(n) = nth {
        drop_counter::panic_on_drop(n);
    }
    let panicked = catch(drop_it).is_err();
    drop_counter::disarm();
    (drop_counter::counts().dropped, panicked)
}

#[test]
fn boxed_slice_drops_each_element_once_like_std() {
    for len in [0u32, 1, 2, 5] {
        for nth in std::iter::once(None).chain((1..=u64::from(len)).map(Some)) {
            let alloc = TestAlloc::new();
            let ours = slice_drop_counts(len, nth, false, &alloc);
            alloc.assert_no_leaks();
            let std = slice_drop_counts(len, nth, true, &alloc);
            assert_eq!(ours, std, "len {len}, panic on drop {nth:?}");
            assert_eq!(ours.0, u64::from(len), "every element is dropped once");
        }
    }
}

#[test]
fn zero_sized_values_never_allocate() {
    drop_counter::reset();
    let alloc = TestAlloc::new();
    {
        let a = Box::new_in(TrackedZst::new(), &alloc);
        let b = a.clone();
        let c = Box::into_inner(b);
        drop(c);
        let u = Box::<TrackedZst, _>::new_uninit_in(&alloc);
        let u = Box::write(u, TrackedZst::new());
        let z = Box::<(), _>::new_zeroed_in(&alloc);
        let s = Box::<[TrackedZst], _>::new_uninit_slice_in(1000, &alloc);
        let mut v = Vec::new_in(&alloc);
        v.extend((0..10).map(|_| TrackedZst::new()));
        let zs = v.into_boxed_slice();
        let zs2 = zs.clone();
        let v2 = zs2.into_vec();
        let empty = Box::<[String], _>::new_uninit_slice_in(0, &alloc);
        let leaked: &mut TrackedZst = Box::leak(Box::new_in(TrackedZst::new(), &alloc));
        // SAFETY: reclaiming the leaked box once, with its allocator.
        let reclaimed = unsafe { Box::from_raw_in(leaked as *mut TrackedZst, &alloc) };
        drop((a, u, z, s, zs, v2, empty, reclaimed));
    }
    assert_eq!(alloc.stats().calls(), 0, "a value of size 0 reached the allocator");
    assert_eq!(drop_counter::counts().live(), 0);
    let c = drop_counter::counts();
    assert_eq!(c.created, c.dropped);
}

#[test]
fn dropping_boxed_zst_panicking_destructor() {
    drop_counter::reset();
    let alloc = TestAlloc::new();
    let mut v = Vec::new_in(&alloc);
    v.extend((0..4).map(|_| TrackedZst::new()));
    let b = v.into_boxed_slice();
    drop_counter::panic_on_drop(2);
    assert_eq!(catch(|| drop(b)).unwrap_err(), DROP_PANIC);
    assert_eq!(drop_counter::counts().live(), 0);
    assert_eq!(alloc.stats().calls(), 0);
}

#[test]
fn clone_panicking_leaves_nothing() {
    drop_counter::reset();
    let alloc = TestAlloc::new();
    let b = Box::new_in(Tracked::new(1), &alloc);
    drop_counter::panic_on_clone(1);
    assert!(catch(|| b.clone()).is_err());
    assert_eq!(alloc.live_bytes(), size_of::<Tracked>(), "the new block must be freed");

    let mut v = Vec::new_in(&alloc);
    v.extend((0..4).map(Tracked::new));
    let s = v.into_boxed_slice();
    drop_counter::panic_on_clone(3);
    assert!(catch(|| s.clone()).is_err());
    drop((b, s));
    assert_eq!(drop_counter::counts().live(), 0);
    alloc.assert_no_leaks();
}
