//! Panics in user code never leave a string that is not UTF-8.

use allockit::String as KString;
use proptest::prelude::*;

use super::model::any_text;
use crate::common::panics::catch;
use crate::common::test_alloc::TestAlloc;

/// Calls `retain` on one string with the predicate it is given.
type RetainOn<'a> = dyn FnMut(&mut dyn FnMut(char) -> bool) + 'a;

/// Runs `retain` with a predicate that keeps chars by `mask` and panics on call `at`.
fn retain_panicking(s: &mut RetainOn<'_>, mask: u64, at: usize) -> Result<(), String> {
    let mut calls = 0;
    catch(move || {
        s(&mut |_c| {
            if calls == at {
                panic!("boom");
            }
            calls += 1;
            mask >> (calls % 64) & 1 == 1
        })
    })
}

proptest! {
    #[test]
    fn retain_with_a_panicking_predicate_matches_std(text in any_text(16), mask: u64, at in 0..20usize) {
        let mut model = text.clone();
        let alloc = TestAlloc::new();
        let mut ours = KString::from_str_in(&text, &alloc);
        let a = retain_panicking(&mut |f| model.retain(f), mask, at);
        let b = retain_panicking(&mut |f| ours.retain(f), mask, at);
        prop_assert_eq!(a, b);
        prop_assert!(std::str::from_utf8(ours.as_bytes()).is_ok());
        prop_assert_eq!(model.as_str(), ours.as_str());
        prop_assert_eq!(model.capacity(), ours.capacity());
        drop(ours);
        alloc.assert_no_leaks();
    }
}

#[test]
fn retain_panicking_midway_keeps_what_was_kept() {
    let mut s = KString::from("aébcß");
    let mut n = 0;
    let r = catch(|| {
        s.retain(|c| {
            n += 1;
            if n == 4 {
                panic!("stop");
            }
            c != 'é'
        })
    });
    assert_eq!(r.unwrap_err(), "stop");
    // 'a' kept, 'é' removed, 'b' kept; the panic at 'c' drops "cß", as std does.
    assert_eq!(s, "ab");
}

#[test]
fn leaked_drain_leaves_the_string_unchanged() {
    let mut s = KString::from("αβγ");
    let mut d = s.drain(2..4);
    assert_eq!(d.next(), Some('β'));
    std::mem::forget(d);
    assert_eq!(s, "αβγ");
}

#[test]
fn drain_dropped_early_removes_the_whole_range() {
    let mut s = KString::from("αβγδ");
    let mut d = s.drain(2..6);
    assert_eq!(d.next_back(), Some('γ'));
    drop(d);
    assert_eq!(s, "αδ");
}
