//! Random operation sequences on std's `String` and ours, compared step by step.

use allockit::alloc::{Global, Layout};
use proptest::prelude::*;

use super::model::{self, any_case};
use crate::common::test_alloc::TestAlloc;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn matches_std_over_global(case in any_case()) {
        model::run(Global, &case, &|_| {});
    }

    #[test]
    fn matches_std_over_test_alloc(case in any_case()) {
        let alloc = TestAlloc::new();
        model::run(&alloc, &case, &|s| {
            // Ours owns exactly one block, of exactly `capacity` bytes, or none.
            let live = alloc.stats().live_blocks;
            if s.capacity() == 0 {
                assert_eq!(live, 0);
            } else {
                assert_eq!(live, 1, "one live block");
                assert_eq!(alloc.layout_of(s.as_ptr()), Some(Layout::array::<u8>(s.capacity()).unwrap()));
            }
            assert_eq!(alloc.stats().zero_sized, 0, "no zero-sized requests");
        });
        alloc.assert_no_leaks();
    }

    #[test]
    fn matches_std_over_an_allocator_with_slack(case in any_case()) {
        // Blocks longer than asked for: the string must keep the capacity it asked for.
        let alloc = TestAlloc::with_slack(5);
        model::run(&alloc, &case, &|_| {});
        alloc.assert_no_leaks();
    }

    #[test]
    fn from_utf8_matches_std(bytes in proptest::collection::vec(any::<u8>(), 0..24), text in model::any_text(6)) {
        let mut mixed = text.into_bytes();
        mixed.extend_from_slice(&bytes);
        for input in [&mixed[..], &bytes[..]] {
            let std_result = String::from_utf8(input.to_vec());
            let ours = allockit::String::from_utf8(allockit::Vec::from(input));
            match (std_result, ours) {
                (Ok(a), Ok(b)) => prop_assert_eq!(a.as_str(), b.as_str()),
                (Err(a), Err(b)) => {
                    prop_assert_eq!(a.utf8_error(), b.utf8_error());
                    prop_assert_eq!(a.to_string(), b.to_string());
                    prop_assert_eq!(a.as_bytes(), b.as_bytes());
                }
                (a, b) => prop_assert!(false, "std {:?} vs ours {:?}", a, b),
            }
            let lossy = allockit::String::from_utf8_lossy(input);
            let std_lossy = String::from_utf8_lossy(input).into_owned();
            prop_assert_eq!(lossy.as_str(), std_lossy.as_str());
        }
    }

    #[test]
    fn from_utf16_matches_std(units in proptest::collection::vec(prop_oneof![any::<u16>(), 0xD800..0xE000u16, 0..0x80u16], 0..16)) {
        let std_result = String::from_utf16(&units);
        let ours = allockit::String::from_utf16(&units);
        match (std_result, ours) {
            (Ok(a), Ok(b)) => {
                prop_assert_eq!(a.as_str(), b.as_str());
                prop_assert_eq!(a.capacity(), b.capacity());
            }
            (Err(a), Err(b)) => prop_assert_eq!(a.to_string(), b.to_string()),
            (a, b) => prop_assert!(false, "std {:?} vs ours {:?}", a, b),
        }
        let (theirs, ours) = (String::from_utf16_lossy(&units), allockit::String::from_utf16_lossy(&units));
        prop_assert_eq!(theirs.as_str(), ours.as_str());
    }
}
