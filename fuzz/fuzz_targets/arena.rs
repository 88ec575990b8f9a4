//! libFuzzer entry of the `arena` target; the driver is `allockit_harness::targets::arena`.
#![no_main]

libfuzzer_sys::fuzz_target!(
    init: allockit_harness::targets::report_operations_at_exit(),
    |data: &[u8]| allockit_harness::targets::arena::run(data)
);
