//! `allockit::String` beside `std::string::String`, one criterion group per workload.
//!
//! Both strings allocate from the global heap (allockit's through `Global`), so the groups
//! measure the string code itself: appending, UTF-8 encoding, formatting, validation and
//! copying. Inputs go through `black_box` once per iteration, outside the inner loops (as
//! in `benches/vec.rs`): a `black_box` inside a loop is an opaque memory clobber, and
//! allockit's growth slow path (`RawVec::reserve_slow`, called as an external symbol)
//! lets the compiler assume the string's fields escaped, so each clobber forces them to
//! be reloaded from memory: about 1.15x (push_str) and 1.65x (push) on this machine,
//! against 1.01-1.04x without the clobber. Each group has two functions, `"std"` and `"allockit"`; after the run a table
//! prints the ratio of their medians (target: allockit <= 1.05 x std).
//!
//! ```text
//! cargo bench --bench string                       # everything
//! cargo bench --bench string -- string_push_str    # one group (a criterion name filter)
//! cargo bench --bench string -- --test             # run each benchmark once, no table
//! ```

mod common;

use std::fmt::Write;
use std::hint::black_box;

use criterion::Criterion;

use common::RatioTable;

/// Bytes in the 1 MiB workloads.
const MIB: usize = 1 << 20;

/// Chars pushed in the `push` workloads.
const CHARS: usize = 1_000_000;

/// Integers formatted in the `write!` workload.
const INTS: u32 = 100_000;

fn main() {
    common::self_check();
    let mut table = RatioTable::new("allockit", "std");
    let mut c = common::criterion();

    push_str(&mut c, &mut table);
    push(&mut c, &mut table, "string_push_ascii", 'x');
    push(&mut c, &mut table, "string_push_multibyte", 'ж');
    write_ints(&mut c, &mut table);
    from_utf8(&mut c, &mut table, "string_from_utf8_ascii", &ascii_text());
    from_utf8(&mut c, &mut table, "string_from_utf8_mixed", &mixed_text());
    clone(&mut c, &mut table);

    c.final_summary();
    table.print();
}

/// 1 MiB of ASCII.
fn ascii_text() -> String {
    (0..MIB).map(|i| char::from(b' ' + (i % 95) as u8)).collect()
}

/// About 1 MiB of text mixing 1-, 2-, 3- and 4-byte chars.
fn mixed_text() -> String {
    let piece = "Grüße, мир! 世界 😀 plain ascii words; ";
    piece.repeat(MIB / piece.len())
}

/// `push_str` of 1 MiB in 16-byte pieces into a new string: every growth step goes
/// through the allocator.
fn push_str(c: &mut Criterion, table: &mut RatioTable) {
    let piece = "0123456789abcdef";
    let n = MIB / piece.len();
    let mut g = table.group(c, "string_push_str");
    g.bench_function("std", |b| {
        b.iter(|| {
            let (piece, n) = black_box((piece, n));
            let mut s = String::new();
            for _ in 0..n {
                s.push_str(piece);
            }
            s
        })
    });
    g.bench_function("allockit", |b| {
        b.iter(|| {
            let (piece, n) = black_box((piece, n));
            let mut s = allockit::String::new();
            for _ in 0..n {
                s.push_str(piece);
            }
            s
        })
    });
    g.finish();
}

/// `push` of one million copies of `ch` into a new string.
fn push(c: &mut Criterion, table: &mut RatioTable, group: &str, ch: char) {
    let mut g = table.group(c, group);
    g.bench_function("std", |b| {
        b.iter(|| {
            let (ch, n) = black_box((ch, CHARS));
            let mut s = String::new();
            for _ in 0..n {
                s.push(ch);
            }
            s
        })
    });
    g.bench_function("allockit", |b| {
        b.iter(|| {
            let (ch, n) = black_box((ch, CHARS));
            let mut s = allockit::String::new();
            for _ in 0..n {
                s.push(ch);
            }
            s
        })
    });
    g.finish();
}

/// `write!` of 100,000 integers, comma-separated, into a new string.
fn write_ints(c: &mut Criterion, table: &mut RatioTable) {
    let mut g = table.group(c, "string_write_ints");
    g.bench_function("std", |b| {
        b.iter(|| {
            let mut s = String::new();
            for i in 0..black_box(INTS) {
                write!(s, "{i},").unwrap();
            }
            s
        })
    });
    g.bench_function("allockit", |b| {
        b.iter(|| {
            let mut s = allockit::String::new();
            for i in 0..black_box(INTS) {
                write!(s, "{i},").unwrap();
            }
            s
        })
    });
    g.finish();
}

/// `from_utf8` of a 1 MiB byte vector (validation only: the vector is moved in). Each
/// iteration clones the bytes first, in both functions alike.
fn from_utf8(c: &mut Criterion, table: &mut RatioTable, group: &str, text: &str) {
    let theirs: Vec<u8> = text.as_bytes().to_vec();
    let ours: allockit::Vec<u8> = allockit::Vec::from(text.as_bytes());
    let mut g = table.group(c, group);
    g.bench_function("std", |b| {
        b.iter_batched(
            || theirs.clone(),
            |v| String::from_utf8(v).unwrap(),
            criterion::BatchSize::LargeInput,
        )
    });
    g.bench_function("allockit", |b| {
        b.iter_batched(
            || ours.clone(),
            |v| allockit::String::from_utf8(v).unwrap(),
            criterion::BatchSize::LargeInput,
        )
    });
    g.finish();
}

/// `clone` of a 1 MiB string: one allocation and a `memcpy`.
fn clone(c: &mut Criterion, table: &mut RatioTable) {
    let text = mixed_text();
    let theirs = text.clone();
    let ours = allockit::String::from(text.as_str());
    let mut g = table.group(c, "string_clone");
    g.bench_function("std", |b| b.iter(|| black_box(&theirs).clone()));
    g.bench_function("allockit", |b| b.iter(|| black_box(&ours).clone()));
    g.finish();
}
