//! `format!` and `try_format!`: std's output, into the given allocator.

use allockit::alloc::Global;

use crate::common::test_alloc::TestAlloc;

struct Fails;

impl std::fmt::Display for Fails {
    fn fmt(&self, _: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        Err(std::fmt::Error)
    }
}

/// Checks `allockit::format_string!` (plain, over `Global`, over a `TestAlloc`) and
/// `try_format!` against std's `format!`.
macro_rules! same_as_std {
    ($($arg:tt)+) => {{
        let expected: String = std::format!($($arg)+);
        assert_eq!(allockit::format_string!($($arg)+), expected.as_str());
        assert_eq!(allockit::format_string!(in Global, $($arg)+), expected.as_str());
        let alloc = TestAlloc::new();
        {
            let ours = allockit::format_string!(in &alloc, $($arg)+);
            assert_eq!(ours, expected.as_str());
            if ours.capacity() > 0 {
                assert!(alloc.layout_of(ours.as_ptr()).is_some(), "the block is the test allocator's");
            }
            assert_eq!(alloc.stats().live_blocks, usize::from(ours.capacity() > 0));
            let fallible = allockit::try_format_string!(in &alloc, $($arg)+).unwrap();
            assert_eq!(fallible, expected.as_str());
        }
        alloc.assert_no_leaks();
    }};
}

#[test]
fn matches_std_format() {
    let (x, name, pi) = (42, "wörld", std::f64::consts::PI);
    same_as_std!("");
    same_as_std!("plain literal, no arguments");
    same_as_std!("x = {}", x);
    same_as_std!("x = {x}, name = {name}");
    same_as_std!("{:>10}|{:<6}|{:^7}|", name, x, 'ü');
    same_as_std!("{:08.3} {:e} {:+}", pi, 1234.5, 7);
    same_as_std!("{:#x} {:#b} {:o} {:X}", 255, 5, 8, 3054);
    same_as_std!("{:?} {:#?}", (1, "a\n"), [Some(1), None]);
    same_as_std!("{0} {1} {0} {{escaped}}", "a", "b");
    same_as_std!("{:*^width$}", "mid", width = 11);
    same_as_std!("{}", "😀".repeat(100));
    same_as_std!(
        "{}{}{}",
        KStr("nested "),
        allockit::String::from("ours"),
        std::string::String::from(" std")
    );
}

/// A type whose `Display` writes in several pieces.
struct KStr(&'static str);

impl std::fmt::Display for KStr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for c in self.0.chars() {
            std::fmt::Write::write_char(f, c)?;
        }
        Ok(())
    }
}

#[test]
fn a_failing_display_panics_like_std() {
    let std_msg = crate::common::panics::expect_panic(|| std::format!("{}", Fails));
    let ours = crate::common::panics::expect_panic(|| allockit::format_string!("{}", Fails));
    let fallible =
        crate::common::panics::expect_panic(|| allockit::try_format_string!("a{}", Fails));
    assert_eq!(ours, std_msg);
    assert_eq!(fallible, std_msg);
}

#[test]
fn format_allocates_only_from_the_given_allocator() {
    let alloc = TestAlloc::new();
    let s = allockit::format_string!(in &alloc, "{}-{}-{}", 1, "two", 3.0);
    assert_eq!(s, "1-two-3");
    let stats = alloc.stats();
    assert!(stats.allocate >= 1);
    assert_eq!(stats.live_blocks, 1);
    assert_eq!(alloc.layout_of(s.as_ptr()).unwrap().size(), s.capacity());
    drop(s);
    alloc.assert_no_leaks();
}

mod glob_import {
    // A glob import of allockit leaves std's `format!` usable (no ambiguity) and brings
    // ours in under their own names.
    use allockit::*;

    #[test]
    fn glob_import_keeps_std_format_usable() {
        let theirs: std::string::String = format!("{}", 1);
        let ours: String = format_string!("{}", 1);
        let fallible: String = try_format_string!("{}", 2).unwrap();
        assert_eq!((theirs.as_str(), ours.as_str(), fallible.as_str()), ("1", "1", "2"));
    }
}
