//! `allockit::Box` beside `std::boxed::Box`, one group per workload.
//!
//! Both boxes allocate from the global heap (allockit's through `Global`), so the groups
//! measure the box code itself: the allocation and drop paths and the conversion from a
//! vector. Each group compares allockit / std with the house target: at most 1.05.

use std::hint::black_box;

use crate::common::suite::{Function, Group, Suite};

/// The Box suite.
pub const SUITE: Suite = Suite { name: "boxed", groups };

/// Boxes allocated and dropped per iteration.
const N: usize = 1_000_000;

/// A 64-byte payload, the size of a small tree node or a cache line. Its bytes are
/// written by the benchmark and read by `black_box`.
#[derive(Clone, Copy)]
#[allow(dead_code)]
struct Payload([u64; 8]);

fn groups() -> Vec<Group> {
    vec![new_and_drop(), boxed_slice_from_vec()]
}

/// `Box::new` of a 64-byte value and its drop, one million times.
fn new_and_drop() -> Group {
    Group::versus_std(
        "box_new_drop_64b",
        "1M x Box::new of 64 bytes, then drop",
        Function::iter("std", || {
            for i in 0..N {
                let boxed = Box::new(Payload([i as u64; 8]));
                black_box(&boxed);
            }
        }),
        Function::iter("allockit", || {
            for i in 0..N {
                let boxed = allockit::Box::new(Payload([i as u64; 8]));
                black_box(&boxed);
            }
        }),
    )
}

/// `Vec<u8>::into_boxed_slice` of a 1 MiB vector with spare capacity, so the shrink
/// (through the allocator) is part of the work.
fn boxed_slice_from_vec() -> Group {
    const LEN: usize = 1 << 20;
    Group::versus_std(
        "box_slice_from_vec",
        "into_boxed_slice of a 1 MiB vector with spare capacity",
        Function::batched(
            "std",
            || {
                let mut v = Vec::with_capacity(LEN + LEN / 2);
                v.resize(LEN, 7u8);
                v
            },
            |v| v.into_boxed_slice(),
        ),
        Function::batched(
            "allockit",
            || {
                let mut v = allockit::Vec::with_capacity(LEN + LEN / 2);
                v.resize(LEN, 7u8);
                v
            },
            |v| v.into_boxed_slice(),
        ),
    )
}
