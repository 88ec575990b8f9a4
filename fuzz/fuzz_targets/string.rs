//! libFuzzer entry of the `string` target; the driver is `allockit_harness::targets::string`.
#![no_main]

libfuzzer_sys::fuzz_target!(
    init: allockit_harness::targets::report_operations_at_exit(),
    |data: &[u8]| allockit_harness::targets::string::run(data)
);
