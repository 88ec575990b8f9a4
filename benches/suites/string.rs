//! `allockit::String` beside `std::string::String`, one group per workload.
//!
//! Both strings allocate from the global heap (allockit's through `Global`), so the groups
//! measure the string code itself: appending, UTF-8 encoding, formatting, validation and
//! copying. Each group has two functions, `"std"` and `"allockit"`, and one comparison,
//! allockit / std, with the house target: at most 1.05.
//!
//! Inputs go through `black_box` once per iteration, outside the inner loops (as in the
//! Vec suite): a `black_box` inside a loop is an opaque memory clobber, and allockit's
//! growth slow path (`RawVec::reserve_slow`, called as an external symbol) lets the
//! compiler assume the string's fields escaped, so each clobber forces them to be reloaded
//! from memory: about 1.15x (push_str) and 1.65x (push) on this machine, against
//! 1.01-1.04x without the clobber.

use std::fmt::Write;
use std::hint::black_box;

use crate::common::suite::{Function, Group, Suite};

/// The String suite.
pub const SUITE: Suite = Suite { name: "string", groups };

/// Bytes in the 1 MiB workloads.
const MIB: usize = 1 << 20;

/// Chars pushed in the `push` workloads.
const CHARS: usize = 1_000_000;

/// Integers formatted in the `write!` workload.
const INTS: u32 = 100_000;

fn groups() -> Vec<Group> {
    vec![
        push_str(),
        push("string_push_ascii", "push 1M ASCII chars into a new string", 'x'),
        push("string_push_multibyte", "push 1M two-byte chars into a new string", 'ж'),
        write_ints(),
        from_utf8("string_from_utf8_ascii", "from_utf8 of 1 MiB of ASCII", ascii_text()),
        from_utf8("string_from_utf8_mixed", "from_utf8 of 1 MiB of mixed UTF-8", mixed_text()),
        clone(),
    ]
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
fn push_str() -> Group {
    const PIECE: &str = "0123456789abcdef";
    let n = MIB / PIECE.len();
    Group::versus_std(
        "string_push_str",
        "push_str 1 MiB in 16-byte pieces into a new string",
        Function::iter("std", move || {
            let (piece, n) = black_box((PIECE, n));
            let mut s = String::new();
            for _ in 0..n {
                s.push_str(piece);
            }
            s
        }),
        Function::iter("allockit", move || {
            let (piece, n) = black_box((PIECE, n));
            let mut s = allockit::String::new();
            for _ in 0..n {
                s.push_str(piece);
            }
            s
        }),
    )
}

/// `push` of one million copies of `ch` into a new string.
fn push(name: &'static str, about: &'static str, ch: char) -> Group {
    Group::versus_std(
        name,
        about,
        Function::iter("std", move || {
            let (ch, n) = black_box((ch, CHARS));
            let mut s = String::new();
            for _ in 0..n {
                s.push(ch);
            }
            s
        }),
        Function::iter("allockit", move || {
            let (ch, n) = black_box((ch, CHARS));
            let mut s = allockit::String::new();
            for _ in 0..n {
                s.push(ch);
            }
            s
        }),
    )
}

/// `write!` of 100,000 integers, comma-separated, into a new string.
fn write_ints() -> Group {
    Group::versus_std(
        "string_write_ints",
        "write! 100,000 integers into a new string",
        Function::iter("std", || {
            let mut s = String::new();
            for i in 0..black_box(INTS) {
                write!(s, "{i},").unwrap();
            }
            s
        }),
        Function::iter("allockit", || {
            let mut s = allockit::String::new();
            for i in 0..black_box(INTS) {
                write!(s, "{i},").unwrap();
            }
            s
        }),
    )
}

/// `from_utf8` of a 1 MiB byte vector (validation only: the vector is moved in). The
/// bytes are cloned for each iteration outside the measurement, in both functions alike.
fn from_utf8(name: &'static str, about: &'static str, text: String) -> Group {
    let theirs: Vec<u8> = text.as_bytes().to_vec();
    let ours: allockit::Vec<u8> = allockit::Vec::from(text.as_bytes());
    Group::versus_std(
        name,
        about,
        Function::batched("std", move || theirs.clone(), |v| String::from_utf8(v).unwrap()),
        Function::batched(
            "allockit",
            move || ours.clone(),
            |v| allockit::String::from_utf8(v).unwrap(),
        ),
    )
}

/// `clone` of a 1 MiB string: one allocation and a `memcpy`.
fn clone() -> Group {
    let text = mixed_text();
    let ours = allockit::String::from(text.as_str());
    let theirs = text;
    Group::versus_std(
        "string_clone",
        "clone a 1 MiB string",
        Function::iter("std", move || black_box(&theirs).clone()),
        Function::iter("allockit", move || black_box(&ours).clone()),
    )
}
