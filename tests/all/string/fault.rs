//! Allocation failure: every `try_` method and `try_format!` leave the string exactly as
//! it was (contents, capacity, pointer) and report the error; nothing leaks.

use allockit::alloc::Layout;
use allockit::{String as KString, TryReserveErrorKind};

use crate::common::test_alloc::TestAlloc;

/// A full string over `alloc` (length == capacity), so any growth must allocate.
fn full(alloc: &TestAlloc) -> KString<&TestAlloc> {
    let mut s = KString::with_capacity_in(7, alloc);
    s.push_str("aé€b");
    assert_eq!(s.len(), s.capacity());
    s
}

/// Runs `op` with the next request refused; checks it fails and changes nothing.
#[track_caller]
fn fails_unchanged<T: std::fmt::Debug>(
    op: impl FnOnce(&mut KString<&TestAlloc>) -> Result<T, allockit::TryReserveError>,
) {
    let alloc = TestAlloc::new();
    let mut s = full(&alloc);
    let before = (s.as_str().to_owned(), s.capacity(), s.as_ptr());
    alloc.fail_nth(1);
    let err = op(&mut s).unwrap_err();
    assert!(matches!(err.kind(), TryReserveErrorKind::AllocError { .. }), "{err:?}");
    assert_eq!((s.as_str().to_owned(), s.capacity(), s.as_ptr()), before);
    assert_eq!(alloc.stats().failed, 1);
    drop(s);
    alloc.assert_no_leaks();
}

#[test]
fn try_push_leaves_string_unchanged() {
    fails_unchanged(|s| s.try_push('x'));
    fails_unchanged(|s| s.try_push('😀'));
}

#[test]
fn try_push_str_leaves_string_unchanged() {
    fails_unchanged(|s| s.try_push_str("ß"));
    fails_unchanged(|s| s.try_push_str("a longer piece of text"));
}

#[test]
fn try_insert_str_leaves_string_unchanged() {
    fails_unchanged(|s| s.try_insert_str(0, "x"));
    fails_unchanged(|s| s.try_insert_str(1, "中文"));
    fails_unchanged(|s| s.try_insert(3, 'z'));
}

#[test]
fn try_reserve_leaves_string_unchanged() {
    fails_unchanged(|s| s.try_reserve(1));
    fails_unchanged(|s| s.try_reserve_exact(100));
}

#[test]
fn capacity_overflow_is_reported_without_allocating() {
    let alloc = TestAlloc::new();
    let mut s = full(&alloc);
    let calls = alloc.stats().calls();
    for err in [s.try_reserve(usize::MAX), s.try_reserve_exact(usize::MAX - 2)] {
        assert_eq!(err.unwrap_err().kind(), TryReserveErrorKind::CapacityOverflow);
    }
    assert_eq!(alloc.stats().calls(), calls);
    assert_eq!(s, "aé€b");
}

#[test]
fn try_with_capacity_in_fails_cleanly() {
    let alloc = TestAlloc::new();
    alloc.fail_all();
    let err = KString::try_with_capacity_in(10, &alloc).unwrap_err();
    assert_eq!(
        err.kind(),
        TryReserveErrorKind::AllocError { layout: Layout::array::<u8>(10).unwrap() }
    );
    alloc.disarm();
    assert_eq!(KString::try_with_capacity_in(10, &alloc).unwrap().capacity(), 10);
    assert_eq!(
        KString::try_with_capacity_in(usize::MAX, &alloc).unwrap_err().kind(),
        TryReserveErrorKind::CapacityOverflow
    );
    alloc.assert_no_leaks();
}

#[test]
fn try_insert_str_checks_the_boundary_before_allocating() {
    let alloc = TestAlloc::new();
    let mut s = full(&alloc);
    let calls = alloc.stats().calls();
    let msg = crate::common::panics::expect_panic(|| s.try_insert_str(2, "x"));
    assert_eq!(msg, "assertion failed: self.is_char_boundary(idx)");
    assert_eq!(alloc.stats().calls(), calls);
}

#[test]
fn try_format_reports_each_failure_and_leaks_nothing() {
    let long = "ü".repeat(40);
    let expected = format!("{:>8}|{long}|{:?}|{}", 12345, "q\"", 3.25);
    let mut failures = 0;
    // Refuse the 1st, 2nd, ... request until formatting gets through.
    for n in 1.. {
        let alloc = TestAlloc::new();
        alloc.fail_nth(n);
        let result =
            allockit::try_format_string!(in &alloc, "{:>8}|{long}|{:?}|{}", 12345, "q\"", 3.25);
        match result {
            Ok(s) => {
                assert_eq!(s, expected.as_str());
                assert_eq!(alloc.stats().failed, 0, "served despite the refusal");
                drop(s);
                alloc.assert_no_leaks();
                break;
            }
            Err(e) => {
                assert!(matches!(e.kind(), TryReserveErrorKind::AllocError { .. }));
                assert_eq!(alloc.stats().failed, 1);
                alloc.assert_no_leaks();
                failures += 1;
            }
        }
    }
    assert!(failures >= 2, "the format should need several allocations");
}

#[test]
fn try_format_of_a_plain_literal_fails_cleanly() {
    let alloc = TestAlloc::new();
    alloc.fail_all();
    assert!(allockit::try_format_string!(in &alloc, "no arguments").is_err());
    alloc.disarm();
    let s = allockit::try_format_string!(in &alloc, "no arguments").unwrap();
    assert_eq!((s.as_str(), s.capacity()), ("no arguments", 12));
}
