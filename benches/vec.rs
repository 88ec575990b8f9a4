//! `allockit::Vec` beside `std::vec::Vec`, one criterion group per workload.
//!
//! Both vectors allocate from the global heap (allockit's through `Global`), so the
//! groups measure the collection code itself: the growth path, copying, cloning,
//! shifting and compaction. Each group has two functions, `"std"` and `"allockit"`; after
//! the run a table prints the ratio of their medians (target: allockit <= 1.05 x std).
//!
//! ```text
//! cargo bench --bench vec                  # everything, 1-2 minutes on 2 cores
//! cargo bench --bench vec -- vec_retain    # one group (a criterion name filter)
//! cargo bench --bench vec -- --test        # run each benchmark once, no table
//! ```

mod common;

use std::hint::black_box;

use criterion::{BatchSize, Criterion, SamplingMode};

use common::RatioTable;

/// Elements in the large `u64` workloads.
const N: u64 = 1_000_000;

fn main() {
    common::self_check();
    let mut table = RatioTable::new("allockit", "std");
    let mut c = common::criterion();

    push(&mut c, &mut table);
    extend_from_slice(&mut c, &mut table);
    collect(&mut c, &mut table);
    clone_strings(&mut c, &mut table);
    iter_sum(&mut c, &mut table);
    insert_remove_front(&mut c, &mut table);
    retain(&mut c, &mut table);

    c.final_summary();
    table.print();
}

/// `push` one million `u64`s into a new vector without reserving: every growth step
/// (4, 8, 16, ... 2^20 elements) goes through the allocator, and the vector is freed.
fn push(c: &mut Criterion, table: &mut RatioTable) {
    let mut g = table.group(c, "vec_push");
    g.bench_function("std", |b| {
        b.iter(|| {
            let mut v = Vec::new();
            for i in 0..black_box(N) {
                v.push(i);
            }
            v
        })
    });
    g.bench_function("allockit", |b| {
        b.iter(|| {
            let mut v = allockit::Vec::new();
            for i in 0..black_box(N) {
                v.push(i);
            }
            v
        })
    });
    g.finish();
}

/// `extend_from_slice` of 1 MiB of bytes into a new vector: one allocation and a
/// `memcpy`.
fn extend_from_slice(c: &mut Criterion, table: &mut RatioTable) {
    let src: Vec<u8> = (0..1 << 20).map(|i| i as u8).collect();
    let mut g = table.group(c, "vec_extend_from_slice");
    g.bench_function("std", |b| {
        b.iter(|| {
            let mut v = Vec::new();
            v.extend_from_slice(black_box(&src[..]));
            v
        })
    });
    g.bench_function("allockit", |b| {
        b.iter(|| {
            let mut v = allockit::Vec::new();
            v.extend_from_slice(black_box(&src[..]));
            v
        })
    });
    g.finish();
}

/// `collect` a range of one million `u64`s: an exact size hint, so one allocation.
fn collect(c: &mut Criterion, table: &mut RatioTable) {
    let mut g = table.group(c, "vec_collect");
    g.bench_function("std", |b| b.iter(|| (0..black_box(N)).collect::<Vec<u64>>()));
    g.bench_function("allockit", |b| b.iter(|| (0..black_box(N)).collect::<allockit::Vec<u64>>()));
    g.finish();
}

/// `clone` a vector of 100,000 short std `String`s: one allocation for the vector and
/// one per element, through `T::clone`.
fn clone_strings(c: &mut Criterion, table: &mut RatioTable) {
    let theirs: Vec<String> = (0..100_000).map(|i| format!("string number {i}")).collect();
    let mut ours = allockit::Vec::new();
    ours.extend_from_slice(&theirs);
    let mut g = table.group(c, "vec_clone_strings");
    // Milliseconds per iteration: equal-sized samples fit the time budget, growing ones
    // (criterion's linear sampling) would not.
    g.sampling_mode(SamplingMode::Flat);
    g.bench_function("std", |b| b.iter(|| black_box(&theirs).clone()));
    g.bench_function("allockit", |b| b.iter(|| black_box(&ours).clone()));
    g.finish();
}

/// Iterate over one million `u64`s and sum them.
fn iter_sum(c: &mut Criterion, table: &mut RatioTable) {
    let theirs: Vec<u64> = (0..N).collect();
    let ours: allockit::Vec<u64> = (0..N).collect();
    let mut g = table.group(c, "vec_iter_sum");
    g.bench_function("std", |b| b.iter(|| black_box(&theirs).iter().sum::<u64>()));
    g.bench_function("allockit", |b| b.iter(|| black_box(&ours).iter().sum::<u64>()));
    g.finish();
}

/// Shifts in a 1,000-element vector: 1,000 rounds of `insert(0, x)` then `remove(0)`.
const FRONT_LEN: u64 = 1_000;
const FRONT_ROUNDS: u64 = 1_000;

/// `insert` at the front and `remove` from the front of a 1,000-element `u64` vector,
/// repeated 1,000 times (each call moves the whole vector by one slot).
fn insert_remove_front(c: &mut Criterion, table: &mut RatioTable) {
    let mut g = table.group(c, "vec_insert_remove_front");
    g.bench_function("std", |b| {
        let mut v: Vec<u64> = (0..FRONT_LEN).collect();
        b.iter(|| {
            let mut sum = 0;
            for i in 0..FRONT_ROUNDS {
                black_box(&mut v).insert(0, i);
                sum += black_box(&mut v).remove(0);
            }
            sum
        })
    });
    g.bench_function("allockit", |b| {
        let mut v: allockit::Vec<u64> = (0..FRONT_LEN).collect();
        b.iter(|| {
            let mut sum = 0;
            for i in 0..FRONT_ROUNDS {
                black_box(&mut v).insert(0, i);
                sum += black_box(&mut v).remove(0);
            }
            sum
        })
    });
    g.finish();
}

/// `retain` the even half of one million `u64`s. Each iteration works on a fresh clone
/// made in the (unmeasured) setup, and the result is dropped outside the measurement.
fn retain(c: &mut Criterion, table: &mut RatioTable) {
    let theirs: Vec<u64> = (0..N).collect();
    let ours: allockit::Vec<u64> = (0..N).collect();
    let mut g = table.group(c, "vec_retain");
    g.bench_function("std", |b| {
        b.iter_batched(
            || theirs.clone(),
            |mut v| {
                v.retain(|&x| x % 2 == 0);
                v
            },
            BatchSize::LargeInput,
        )
    });
    g.bench_function("allockit", |b| {
        b.iter_batched(
            || ours.clone(),
            |mut v| {
                v.retain(|&x| x % 2 == 0);
                v
            },
            BatchSize::LargeInput,
        )
    });
    g.finish();
}
