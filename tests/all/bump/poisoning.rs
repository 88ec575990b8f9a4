//! AddressSanitizer sees inside the bump's chunks (only built with `--cfg asan`, which
//! `.ci/run` passes in its ASan step).
//!
//! Each probe runs in a child process (`common::asan_probe`), because ASan aborts the
//! process that commits the error: the parent re-runs this test binary on one
//! `#[ignore]`d child test, with an environment variable that arms it, and asserts that
//! the child died with ASan's `use-after-poison` report.

use crate::common::asan_probe::{armed, expect_asan_report};
use allockit::alloc::Layout;
use allockit::{Bump, Vec};

#[test]
fn overflow_into_the_next_allocation_is_reported() {
    expect_asan_report("bump::poisoning::child_overflow_into_next");
}

#[test]
fn use_after_scope_rewind_is_reported() {
    expect_asan_report("bump::poisoning::child_use_after_scope");
}

#[test]
fn write_past_a_vec_buffer_is_reported() {
    expect_asan_report("bump::poisoning::child_vec_overflow");
}

#[test]
fn in_bounds_use_is_not_reported() {
    // The same shapes of access as the probes, but in bounds: no report, no abort.
    let mut bump = Bump::new();
    let a = bump.alloc_slice_copy(&[1u8; 5]);
    let b = bump.alloc(2u64);
    a[4] = 9;
    *b += 1;
    assert_eq!((a[4], *b), (9, 3));
    bump.scope(|s| {
        let mut v: Vec<u8, &Bump> = Vec::new_in(s);
        v.extend(0..=255);
        assert_eq!(v[255], 255);
    });
    bump.reset();
    assert_eq!(*bump.alloc(7u8), 7);
}

#[test]
#[ignore = "run by overflow_into_the_next_allocation_is_reported in a child process"]
fn child_overflow_into_next() {
    if !armed() {
        return;
    }
    let bump = Bump::new();
    let a = bump.alloc_slice_copy(&[1u8; 5]).as_mut_ptr();
    let _b = bump.alloc(2u64);
    // SAFETY: none: this is the out-of-bounds write ASan must catch (one past `a`).
    unsafe { a.add(5).write_volatile(0xFF) };
}

#[test]
#[ignore = "run by use_after_scope_rewind_is_reported in a child process"]
fn child_use_after_scope() {
    if !armed() {
        return;
    }
    let mut bump = Bump::new();
    bump.alloc(0u8);
    let stale = bump.scope(|s| s.alloc_layout(Layout::new::<u64>()).as_ptr());
    // SAFETY: none: the scope gave this block back; ASan must catch the read.
    let _ = unsafe { stale.read_volatile() };
}

#[test]
#[ignore = "run by write_past_a_vec_buffer_is_reported in a child process"]
fn child_vec_overflow() {
    if !armed() {
        return;
    }
    let bump = Bump::new();
    let mut v: Vec<u32, &Bump> = Vec::with_capacity_in(3, &bump);
    v.extend([1, 2, 3]);
    let p = v.as_mut_ptr();
    // SAFETY: none: one element past the buffer's capacity; ASan must catch the write.
    unsafe { p.add(3).write_volatile(4) };
}
