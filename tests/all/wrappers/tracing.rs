//! `Tracing<A, S>`: the events of known sequences of collection operations, over
//! `TestAlloc` (which moves every block it grows), over a `Bump` (whose newest block grows
//! in place) and over a refusing allocator; the lines the events print; the `GlobalAlloc`
//! side over the recording `Probe`.

use std::alloc::GlobalAlloc;
use std::cell::RefCell;
use std::ptr::NonNull;

use allockit::alloc::{Allocator, Layout};
use allockit::wrappers::tracing::{Call, Event, Tracing};
use allockit::{Box, Bump, String, Vec};

use super::Probe;
use crate::common::test_alloc::{FailPlan, TestAlloc};

/// A sink that keeps every event.
#[derive(Default)]
struct Recorder(RefCell<std::vec::Vec<Event>>);

impl Recorder {
    fn sink(&self) -> impl Fn(&Event) + '_ {
        |event: &Event| self.0.borrow_mut().push(*event)
    }

    fn calls(&self) -> std::vec::Vec<Call> {
        self.0.borrow().iter().map(|e| e.call).collect()
    }

    fn events(&self) -> std::vec::Vec<Event> {
        self.0.borrow().clone()
    }
}

fn layout(size: usize, align: usize) -> Layout {
    Layout::from_size_align(size, align).unwrap()
}

#[test]
fn a_growing_vec_over_test_alloc_is_traced_call_by_call() {
    let inner = TestAlloc::new();
    let recorder = Recorder::default();
    let tracer = Tracing::with_sink(&inner, recorder.sink());
    {
        let mut v: Vec<u64, _> = Vec::new_in(&tracer);
        for i in 0..9 {
            v.push(i); // capacity 4, 8, 16
        }
        v.shrink_to_fit(); // 16 → 9
        assert_eq!(v.iter().sum::<u64>(), 36);
    }
    use Call::*;
    assert_eq!(recorder.calls(), [Allocate, Grow, Grow, Shrink, Deallocate]);
    let e = recorder.events();
    assert_eq!(e[0].layout, layout(32, 8));
    assert_eq!(e[0].old, None);
    assert_eq!((e[1].old.unwrap().1, e[1].layout), (layout(32, 8), layout(64, 8)));
    assert_eq!((e[2].old.unwrap().1, e[2].layout), (layout(64, 8), layout(128, 8)));
    assert_eq!((e[3].old.unwrap().1, e[3].layout), (layout(128, 8), layout(72, 8)));
    assert_eq!(e[4].layout, layout(72, 8));
    // TestAlloc moves every block it grows: each grow copied the old contents.
    assert!(e[1].moved() && e[2].moved());
    assert_eq!((e[1].bytes_copied(), e[2].bytes_copied()), (32, 64));
    // Each event's block is the next one's old block, and the free is of the last.
    for pair in e.windows(2) {
        assert_eq!(pair[0].result, Some(pair[1].old.unwrap().0));
    }
    assert!(e.iter().all(|e| !e.failed()));
    assert_eq!(e[4].result, None);
    inner.assert_no_leaks();
}

#[test]
fn the_newest_block_of_a_bump_grows_in_place() {
    let bump = Bump::with_capacity(4096);
    let recorder = Recorder::default();
    let tracer = Tracing::with_sink(&bump, recorder.sink());
    let mut s = String::new_in(&tracer);
    for _ in 0..10 {
        s.push_str("0123456789"); // 8 → 16 → 32 → 64 → 128 bytes
    }
    assert_eq!(s.len(), 100);
    let e = recorder.events();
    assert_eq!(e[0].call, Call::Allocate);
    let grows: std::vec::Vec<&Event> = e.iter().filter(|e| e.call == Call::Grow).collect();
    assert!(!grows.is_empty());
    assert!(grows.iter().all(|g| g.in_place() && !g.moved() && g.bytes_copied() == 0), "{e:?}");

    // An older block is no longer the newest: growing it copies.
    let mut older: Vec<u8, _> = Vec::with_capacity_in(8, &tracer);
    older.extend_from_slice(b"12345678");
    let _newer = Box::new_in(1u64, &tracer);
    older.push(9);
    let last_grow = *recorder.events().iter().rev().find(|e| e.call == Call::Grow).unwrap();
    assert!(last_grow.moved(), "{last_grow:?}");
    assert_eq!(last_grow.bytes_copied(), 8);
}

#[test]
fn a_refused_request_is_traced_as_failed_and_changes_nothing() {
    let inner = TestAlloc::failing(FailPlan::Nth(2));
    let recorder = Recorder::default();
    let tracer = Tracing::with_sink(&inner, recorder.sink());
    let mut v: Vec<u32, _> = Vec::new_in(&tracer);
    v.push(1); // request 1: allocate 4 elements
    let before = (v.as_ptr(), v.capacity());
    assert!(v.try_reserve(100).is_err()); // request 2: refused
    assert_eq!((v.as_ptr(), v.capacity()), before);
    let failed = recorder.events()[1];
    assert_eq!(failed.call, Call::Grow);
    assert!(failed.failed() && !failed.in_place() && !failed.moved());
    assert!(failed.to_string().ends_with("FAILED"), "{failed}");
    drop(v);
    inner.assert_no_leaks();
}

#[test]
fn each_call_prints_one_line() {
    let at = NonNull::<u64>::dangling().cast::<u8>();
    let elsewhere = NonNull::new(at.as_ptr().wrapping_add(4096)).unwrap();
    let line = |call, old, layout, result| Event { call, old, layout, result }.to_string();
    assert_eq!(
        line(Call::Allocate, None, layout(24, 8), Some(at)),
        "allocate              24 B              align 8"
    );
    assert_eq!(
        line(Call::Grow, Some((at, layout(16, 8))), layout(32, 8), Some(elsewhere)),
        "grow                  16 B ->     32 B  align 8  moved, 16 B copied"
    );
    assert_eq!(
        line(Call::Shrink, Some((at, layout(32, 4))), layout(8, 4), Some(at)),
        "shrink                32 B ->      8 B  align 4  in place"
    );
    assert_eq!(
        line(Call::AllocateZeroed, None, layout(1 << 20, 4096), None),
        "allocate_zeroed  1048576 B              align 4096  FAILED"
    );
    assert_eq!(
        line(Call::Deallocate, Some((at, layout(24, 8))), layout(24, 8), None),
        "deallocate            24 B              align 8"
    );
}

#[test]
fn zeroed_calls_are_traced_as_such_and_still_zero() {
    let inner = TestAlloc::new();
    let recorder = Recorder::default();
    let tracer = Tracing::with_sink(&inner, recorder.sink());
    let block = tracer.allocate_zeroed(layout(16, 8)).unwrap();
    // SAFETY: a live block of 16 bytes, grown to 64 with the same alignment, then freed.
    unsafe {
        let grown = tracer.grow_zeroed(block.cast(), layout(16, 8), layout(64, 8)).unwrap();
        let bytes = std::slice::from_raw_parts(grown.cast::<u8>().as_ptr(), 64);
        assert!(bytes.iter().all(|&b| b == 0));
        tracer.deallocate(grown.cast(), layout(64, 8));
    }
    assert_eq!(recorder.calls(), [Call::AllocateZeroed, Call::GrowZeroed, Call::Deallocate]);
    inner.assert_no_leaks();
}

#[test]
fn as_a_global_alloc_realloc_is_a_grow_or_a_shrink() {
    let recorder = Recorder::default();
    let tracer = Tracing::with_sink(Probe, recorder.sink());
    let small = layout(16, 8);
    // SAFETY: `GlobalAlloc` calls with non-zero sizes, each block freed once with the
    // layout it has at that point.
    unsafe {
        let p = tracer.alloc(small);
        assert!(!p.is_null());
        let p = tracer.realloc(p, small, 4096);
        assert!(!p.is_null());
        let p = tracer.realloc(p, layout(4096, 8), 8);
        assert!(!p.is_null());
        Probe::refuse(true);
        assert!(tracer.alloc_zeroed(small).is_null());
        Probe::refuse(false);
        tracer.dealloc(p, layout(8, 8));
    }
    use Call::*;
    assert_eq!(recorder.calls(), [Allocate, Grow, Shrink, AllocateZeroed, Deallocate]);
    let e = recorder.events();
    assert_eq!(e[1].layout, layout(4096, 8));
    assert_eq!(e[2].layout, layout(8, 8));
    assert!(e[3].failed());
    assert_eq!(Probe::calls().realloc, 2);
    Probe::assert_clean();
}
