//! Random operation sequences on our `Box` and std's `Box`, compared after every step:
//! `Box<String>`, `Box<[u32]>` and `Box<str>`, over `Global` and over a layout-checking
//! `&TestAlloc` (for which every live box's block is also checked, and nothing may be left
//! at the end). The driver is `allockit_harness::box_model`, shared with the fuzz targets.

use allockit_harness::box_model::{MAX_OPS, config, op, run_global, run_test_alloc};
// The suites of the allocators run the same model over their own allocators.
pub(crate) use allockit_harness::box_model::{ops, run_in};
use proptest::prelude::*;

use crate::common::test_alloc::TestAlloc;

proptest! {
    #![proptest_config(config())]

    #[test]
    fn over_global(ops in prop::collection::vec(op(), 0..MAX_OPS)) {
        run_global(&ops);
    }

    #[test]
    fn over_test_alloc(ops in prop::collection::vec(op(), 0..MAX_OPS)) {
        run_test_alloc(&TestAlloc::new(), &ops);
    }

    #[test]
    fn over_test_alloc_with_slack(ops in prop::collection::vec(op(), 0..MAX_OPS)) {
        run_test_alloc(&TestAlloc::with_slack(7), &ops);
    }
}
