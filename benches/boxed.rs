//! `allockit::Box` beside `std::boxed::Box`, one criterion group per workload.
//!
//! Both boxes allocate from the global heap (allockit's through `Global`), so the groups
//! measure the box code itself: the allocation and drop paths and the conversion from a
//! vector. After the run a table prints the ratio of the medians (target: allockit <=
//! 1.05 x std).
//!
//! ```text
//! cargo bench --bench boxed                # everything
//! cargo bench --bench boxed -- --test      # run each benchmark once, no table
//! ```

mod common;

use std::hint::black_box;

use criterion::{BatchSize, Criterion};

use common::RatioTable;

/// Boxes allocated and dropped per iteration.
const N: usize = 1_000_000;

/// A 64-byte payload, the size of a small tree node or a cache line. Its bytes are
/// written by the benchmark and read by `black_box`.
#[derive(Clone, Copy)]
#[allow(dead_code)]
struct Payload([u64; 8]);

fn main() {
    common::self_check();
    let mut table = RatioTable::new("allockit", "std");
    let mut c = common::criterion();

    new_and_drop(&mut c, &mut table);
    boxed_slice_from_vec(&mut c, &mut table);

    c.final_summary();
    table.print();
}

/// `Box::new` of a 64-byte value and its drop, one million times.
fn new_and_drop(c: &mut Criterion, table: &mut RatioTable) {
    let mut g = table.group(c, "box_new_drop_64b");
    g.bench_function("std", |b| {
        b.iter(|| {
            for i in 0..N {
                let boxed = Box::new(Payload([i as u64; 8]));
                black_box(&boxed);
            }
        })
    });
    g.bench_function("allockit", |b| {
        b.iter(|| {
            for i in 0..N {
                let boxed = allockit::Box::new(Payload([i as u64; 8]));
                black_box(&boxed);
            }
        })
    });
    g.finish();
}

/// `Vec<u8>::into_boxed_slice` of a 1 MiB vector with spare capacity, so the shrink
/// (through the allocator) is part of the work.
fn boxed_slice_from_vec(c: &mut Criterion, table: &mut RatioTable) {
    const LEN: usize = 1 << 20;
    let mut g = table.group(c, "box_slice_from_vec");
    g.bench_function("std", |b| {
        b.iter_batched(
            || {
                let mut v = Vec::with_capacity(LEN + LEN / 2);
                v.resize(LEN, 7u8);
                v
            },
            |v| black_box(v.into_boxed_slice()),
            BatchSize::LargeInput,
        )
    });
    g.bench_function("allockit", |b| {
        b.iter_batched(
            || {
                let mut v = allockit::Vec::with_capacity(LEN + LEN / 2);
                v.resize(LEN, 7u8);
                v
            },
            |v| black_box(v.into_boxed_slice()),
            BatchSize::LargeInput,
        )
    });
    g.finish();
}
