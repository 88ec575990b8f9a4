//! `allockit::Vec` beside `std::vec::Vec`, one group per workload.
//!
//! Both vectors allocate from the global heap (allockit's through `Global`), so the groups
//! measure the collection code itself: the growth path, copying, cloning, shifting and
//! compaction. Each group has two functions, `"std"` and `"allockit"`, and one comparison,
//! allockit / std, with the house target: at most 1.05.

use std::hint::black_box;

use crate::common::suite::{Function, Group, Suite};

/// The Vec suite.
pub const SUITE: Suite = Suite { name: "vec", groups };

/// Elements in the large `u64` workloads.
const N: u64 = 1_000_000;

/// Shifts in a 1,000-element vector: 1,000 rounds of `insert(0, x)` then `remove(0)`.
const FRONT_LEN: u64 = 1_000;
const FRONT_ROUNDS: u64 = 1_000;

fn groups() -> Vec<Group> {
    vec![
        push(),
        extend_from_slice(),
        collect(),
        clone_strings(),
        iter_sum(),
        insert_remove_front(),
        retain(),
    ]
}

/// `push` one million `u64`s into a new vector without reserving: every growth step
/// (4, 8, 16, ... 2^20 elements) goes through the allocator, and the vector is freed.
fn push() -> Group {
    Group::versus_std(
        "vec_push",
        "push 1M u64 into a new vector, then free it",
        Function::iter("std", || {
            let mut v = Vec::new();
            for i in 0..black_box(N) {
                v.push(i);
            }
            v
        }),
        Function::iter("allockit", || {
            let mut v = allockit::Vec::new();
            for i in 0..black_box(N) {
                v.push(i);
            }
            v
        }),
    )
}

/// `extend_from_slice` of 1 MiB of bytes into a new vector: one allocation and a
/// `memcpy`.
fn extend_from_slice() -> Group {
    let src: Vec<u8> = (0..1 << 20).map(|i| i as u8).collect();
    let src2 = src.clone();
    Group::versus_std(
        "vec_extend_from_slice",
        "extend_from_slice of 1 MiB into a new vector",
        Function::iter("std", move || {
            let mut v = Vec::new();
            v.extend_from_slice(black_box(&src[..]));
            v
        }),
        Function::iter("allockit", move || {
            let mut v = allockit::Vec::new();
            v.extend_from_slice(black_box(&src2[..]));
            v
        }),
    )
}

/// `collect` a range of one million `u64`s: an exact size hint, so one allocation.
fn collect() -> Group {
    Group::versus_std(
        "vec_collect",
        "collect a range of 1M u64",
        Function::iter("std", || (0..black_box(N)).collect::<Vec<u64>>()),
        Function::iter("allockit", || (0..black_box(N)).collect::<allockit::Vec<u64>>()),
    )
}

/// `clone` a vector of 100,000 short std `String`s: one allocation for the vector and
/// one per element, through `T::clone`.
fn clone_strings() -> Group {
    let theirs: Vec<String> = (0..100_000).map(|i| format!("string number {i}")).collect();
    let mut ours = allockit::Vec::new();
    ours.extend_from_slice(&theirs);
    Group::versus_std(
        "vec_clone_strings",
        "clone a vector of 100,000 short Strings",
        Function::iter("std", move || black_box(&theirs).clone()),
        Function::iter("allockit", move || black_box(&ours).clone()),
    )
}

/// Iterate over one million `u64`s and sum them.
fn iter_sum() -> Group {
    let theirs: Vec<u64> = (0..N).collect();
    let ours: allockit::Vec<u64> = (0..N).collect();
    Group::versus_std(
        "vec_iter_sum",
        "sum 1M u64 through an iterator",
        Function::iter("std", move || black_box(&theirs).iter().sum::<u64>()),
        Function::iter("allockit", move || black_box(&ours).iter().sum::<u64>()),
    )
}

/// `insert` at the front and `remove` from the front of a 1,000-element `u64` vector,
/// repeated 1,000 times (each call moves the whole vector by one slot).
fn insert_remove_front() -> Group {
    let mut theirs: Vec<u64> = (0..FRONT_LEN).collect();
    let mut ours: allockit::Vec<u64> = (0..FRONT_LEN).collect();
    Group::versus_std(
        "vec_insert_remove_front",
        "1,000 x insert(0) + remove(0) on 1,000 u64",
        Function::iter("std", move || {
            let mut sum = 0;
            for i in 0..FRONT_ROUNDS {
                black_box(&mut theirs).insert(0, i);
                sum += black_box(&mut theirs).remove(0);
            }
            sum
        }),
        Function::iter("allockit", move || {
            let mut sum = 0;
            for i in 0..FRONT_ROUNDS {
                black_box(&mut ours).insert(0, i);
                sum += black_box(&mut ours).remove(0);
            }
            sum
        }),
    )
}

/// `retain` the even half of one million `u64`s. Each iteration works on a fresh clone
/// made in the (unmeasured) setup, and the result is dropped outside the measurement.
fn retain() -> Group {
    let theirs: Vec<u64> = (0..N).collect();
    let ours: allockit::Vec<u64> = (0..N).collect();
    Group::versus_std(
        "vec_retain",
        "retain the even half of 1M u64 (clone outside the clock)",
        Function::batched(
            "std",
            move || theirs.clone(),
            |mut v| {
                v.retain(|&x| x % 2 == 0);
                v
            },
        ),
        Function::batched(
            "allockit",
            move || ours.clone(),
            |mut v| {
                v.retain(|&x| x % 2 == 0);
                v
            },
        ),
    )
}
