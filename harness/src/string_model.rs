//! The differential driver for `String`: every mutating method, applied to std's `String`
//! (the model) and to `allockit::String<A>`, with the results compared after each step.
//!
//! Ops draw indices a little past the end and inside multi-byte chars on purpose, so
//! both sides must panic with the same message. For each op the driver
//!
//! 1. runs it on both strings, each under [`catch`], and asserts the same rendered return
//!    value or the same panic message;
//! 2. asserts equal contents, `len` and `capacity` (exactly: the growth rule is std's),
//!    that ours is valid UTF-8, and calls the caller's probe with ours.
//!
//! Fallible methods std lacks (`try_push`, `try_insert_str`, ...) are modelled as
//! `try_reserve` followed by the infallible call.

// The tests run on toolchains newer than the crate's MSRV (std's
// `String::extend_from_within` is from 1.87).
#![allow(clippy::incompatible_msrv)]

use std::ops::Bound;

use allockit::String as KString;
use allockit::alloc::Allocator;
use proptest::collection::vec as pvec;
use proptest::prelude::*;

use crate::panics::catch;

/// Chars of every UTF-8 length, and a NUL.
pub const ALPHABET: &[char] = &['a', 'b', 'z', '\0', 'é', 'ß', 'Ж', '€', '中', '𝄞', '😀'];

/// A char from [`ALPHABET`].
pub fn any_char() -> impl Strategy<Value = char> {
    prop::sample::select(ALPHABET)
}

/// A short string over [`ALPHABET`].
pub fn any_text(max: usize) -> impl Strategy<Value = String> {
    pvec(any_char(), 0..max).prop_map(|cs| cs.into_iter().collect())
}

/// One operation. Indices are `u16`s reduced modulo `len + 4` when run, so some are past
/// the end and many fall inside multi-byte chars.
#[derive(Clone, Debug)]
pub enum Op {
    Push(char),
    TryPush(char),
    PushStr(String),
    TryPushStr(String),
    AddAssign(String),
    Pop,
    Insert(u16, char),
    TryInsert(u16, char),
    InsertStr(u16, String),
    TryInsertStr(u16, String),
    Remove(u16),
    Truncate(u16),
    Clear,
    SplitOff(u16),
    /// Drain a range, take `front` chars from the front and `back` from the back, then
    /// drop the rest.
    Drain(Bound<u16>, Bound<u16>, u8, u8),
    ReplaceRange(Bound<u16>, Bound<u16>, String),
    ExtendFromWithin(Bound<u16>, Bound<u16>),
    ExtendChars(Vec<char>),
    ExtendStrs(Vec<String>),
    Reserve(u8),
    ReserveExact(u8),
    TryReserve(bool, u8),
    TryReserveExact(bool, u8),
    ShrinkTo(u8),
    ShrinkToFit,
    /// Keep the chars whose bit in the mask is set; panic on the `n`-th call if `Some(n)`.
    Retain(u64, Option<u8>),
    CloneFrom(String),
    MakeAsciiUppercase,
}

fn any_bound() -> impl Strategy<Value = Bound<u16>> {
    prop_oneof![
        Just(Bound::Unbounded),
        any::<u16>().prop_map(Bound::Included),
        any::<u16>().prop_map(Bound::Excluded),
    ]
}

/// Any [`Op`].
pub fn any_op() -> impl Strategy<Value = Op> {
    let idx = any::<u16>;
    prop_oneof![
        any_char().prop_map(Op::Push),
        any_char().prop_map(Op::TryPush),
        any_text(6).prop_map(Op::PushStr),
        any_text(6).prop_map(Op::TryPushStr),
        any_text(4).prop_map(Op::AddAssign),
        Just(Op::Pop),
        (idx(), any_char()).prop_map(|(i, c)| Op::Insert(i, c)),
        (idx(), any_char()).prop_map(|(i, c)| Op::TryInsert(i, c)),
        (idx(), any_text(5)).prop_map(|(i, s)| Op::InsertStr(i, s)),
        (idx(), any_text(5)).prop_map(|(i, s)| Op::TryInsertStr(i, s)),
        idx().prop_map(Op::Remove),
        idx().prop_map(Op::Truncate),
        Just(Op::Clear),
        idx().prop_map(Op::SplitOff),
        (any_bound(), any_bound(), 0..4u8, 0..4u8).prop_map(|(a, b, f, k)| Op::Drain(a, b, f, k)),
        (any_bound(), any_bound(), any_text(5)).prop_map(|(a, b, s)| Op::ReplaceRange(a, b, s)),
        (any_bound(), any_bound()).prop_map(|(a, b)| Op::ExtendFromWithin(a, b)),
        pvec(any_char(), 0..5).prop_map(Op::ExtendChars),
        pvec(any_text(3), 0..4).prop_map(Op::ExtendStrs),
        any::<u8>().prop_map(Op::Reserve),
        any::<u8>().prop_map(Op::ReserveExact),
        (any::<bool>(), any::<u8>()).prop_map(|(h, n)| Op::TryReserve(h, n)),
        (any::<bool>(), any::<u8>()).prop_map(|(h, n)| Op::TryReserveExact(h, n)),
        any::<u8>().prop_map(Op::ShrinkTo),
        Just(Op::ShrinkToFit),
        (any::<u64>(), prop::option::of(0..8u8)).prop_map(|(m, p)| Op::Retain(m, p)),
        any_text(8).prop_map(Op::CloneFrom),
        Just(Op::MakeAsciiUppercase),
    ]
}

/// A test case: an initial capacity, initial text and a list of ops.
pub fn any_case() -> impl Strategy<Value = (u8, String, Vec<Op>)> {
    (0..20u8, any_text(8), pvec(any_op(), 1..40))
}

/// Reduces a drawn index against the current length.
fn ix(i: u16, len: usize) -> usize {
    usize::from(i) % (len + 4)
}

fn bound(b: Bound<u16>, len: usize) -> Bound<usize> {
    match b {
        Bound::Included(i) => Bound::Included(ix(i, len)),
        Bound::Excluded(i) => Bound::Excluded(ix(i, len)),
        Bound::Unbounded => Bound::Unbounded,
    }
}

/// `usize::MAX` (an overflow on both sides) or a small amount.
fn amount(huge: bool, n: u8) -> usize {
    if huge { usize::MAX } else { usize::from(n) }
}

/// The panic std's `insert`/`insert_str` give for a bad index, for the modelled `try_`
/// forms.
fn boundary_check(s: &str, idx: usize) {
    if !s.is_char_boundary(idx) {
        panic!("assertion failed: self.is_char_boundary(idx)");
    }
}

/// `Ok` or the error kind's name, the same for std's and our `TryReserveError`.
fn kind<E: std::fmt::Debug>(r: Result<(), E>) -> String {
    match r {
        Ok(()) => "Ok".into(),
        Err(e) => {
            let d = format!("{e:?}");
            if d.contains("CapacityOverflow") {
                "CapacityOverflow".into()
            } else {
                "AllocError".into()
            }
        }
    }
}

/// The op, spelled once for both string types (their method names are the same).
macro_rules! apply {
    ($s:ident, $op:expr, $try_reserve:expr) => {{
        let op: &Op = $op;
        let len = $s.len();
        match op {
            Op::Push(c) => format!("{:?}", $s.push(*c)),
            Op::TryPush(c) => kind($try_reserve($s, c.len_utf8(), false).map(|()| $s.push(*c))),
            Op::PushStr(t) => format!("{:?}", $s.push_str(t)),
            Op::TryPushStr(t) => kind($try_reserve($s, t.len(), false).map(|()| $s.push_str(t))),
            Op::AddAssign(t) => format!("{:?}", *$s += t.as_str()),
            Op::Pop => format!("{:?}", $s.pop()),
            Op::Insert(i, c) => format!("{:?}", $s.insert(ix(*i, len), *c)),
            Op::TryInsert(i, c) => {
                boundary_check(&$s, ix(*i, len));
                kind($try_reserve($s, c.len_utf8(), false).map(|()| $s.insert(ix(*i, len), *c)))
            }
            Op::InsertStr(i, t) => format!("{:?}", $s.insert_str(ix(*i, len), t)),
            Op::TryInsertStr(i, t) => {
                boundary_check(&$s, ix(*i, len));
                kind($try_reserve($s, t.len(), false).map(|()| $s.insert_str(ix(*i, len), t)))
            }
            Op::Remove(i) => format!("{:?}", $s.remove(ix(*i, len))),
            Op::Truncate(i) => format!("{:?}", $s.truncate(ix(*i, len))),
            Op::Clear => format!("{:?}", $s.clear()),
            Op::SplitOff(i) => {
                let tail = $s.split_off(ix(*i, len));
                format!("{:?} cap {}", tail.as_str(), tail.capacity())
            }
            Op::Drain(a, b, front, back) => {
                let mut d = $s.drain((bound(*a, len), bound(*b, len)));
                let f: Vec<char> = d.by_ref().take(usize::from(*front)).collect();
                let k: Vec<char> = d.by_ref().rev().take(usize::from(*back)).collect();
                let rest = d.as_str().to_owned();
                let size = d.size_hint();
                drop(d);
                format!("{f:?} {k:?} {rest:?} {size:?}")
            }
            Op::ReplaceRange(a, b, t) => {
                format!("{:?}", $s.replace_range((bound(*a, len), bound(*b, len)), t))
            }
            Op::ExtendFromWithin(a, b) => {
                format!("{:?}", $s.extend_from_within((bound(*a, len), bound(*b, len))))
            }
            Op::ExtendChars(cs) => format!("{:?}", $s.extend(cs.iter().copied())),
            Op::ExtendStrs(ts) => format!("{:?}", $s.extend(ts.iter().map(|t| t.as_str()))),
            Op::Reserve(n) => format!("{:?}", $s.reserve(usize::from(*n))),
            Op::ReserveExact(n) => format!("{:?}", $s.reserve_exact(usize::from(*n))),
            Op::TryReserve(h, n) => kind($try_reserve($s, amount(*h, *n), false)),
            Op::TryReserveExact(h, n) => kind($try_reserve($s, amount(*h, *n), true)),
            Op::ShrinkTo(n) => format!("{:?}", $s.shrink_to(usize::from(*n))),
            Op::ShrinkToFit => format!("{:?}", $s.shrink_to_fit()),
            Op::Retain(mask, panic_at) => {
                let mut calls = 0u8;
                $s.retain(|c| {
                    if Some(calls) == *panic_at {
                        panic!("predicate panicked at {c:?}");
                    }
                    calls += 1;
                    mask >> (calls % 64) & 1 == 1
                });
                format!("{calls}")
            }
            Op::CloneFrom(t) => {
                let mut other = $s.clone();
                other.clear();
                other.push_str(t);
                $s.clone_from(&other);
                format!("{}", other.capacity())
            }
            Op::MakeAsciiUppercase => format!("{:?}", $s.make_ascii_uppercase()),
        }
    }};
}

/// Runs a case on std's `String` and on ours over `alloc`, comparing after every op;
/// `probe` sees ours after each step (and after the last one).
pub fn run<A: Allocator + Clone>(
    alloc: A,
    (cap, init, ops): &(u8, String, Vec<Op>),
    probe: &dyn Fn(&KString<A>),
) {
    let mut model = String::with_capacity(usize::from(*cap));
    model.push_str(init);
    let mut ours = KString::with_capacity_in(usize::from(*cap), alloc);
    ours.push_str(init);
    compare(&model, &ours, "init");
    for (step, op) in ops.iter().enumerate() {
        let m = catch(|| {
            let s = &mut model;
            apply!(s, op, |s: &mut String, n, exact| if exact {
                s.try_reserve_exact(n)
            } else {
                s.try_reserve(n)
            })
        });
        let o = catch(|| {
            let s = &mut ours;
            apply!(s, op, |s: &mut KString<A>, n, exact| if exact {
                s.try_reserve_exact(n)
            } else {
                s.try_reserve(n)
            })
        });
        let at = format!("step {step}: {op:?}");
        assert_eq!(m, o, "return value or panic differs at {at}");
        compare(&model, &ours, &at);
        probe(&ours);
    }
}

/// Same text, length and capacity; ours is valid UTF-8.
#[track_caller]
fn compare<A: Allocator>(model: &String, ours: &KString<A>, at: &str) {
    assert!(std::str::from_utf8(ours.as_bytes()).is_ok(), "ours is not UTF-8 after {at}");
    assert_eq!(model.as_str(), ours.as_str(), "contents differ after {at}");
    assert_eq!(model.len(), ours.len(), "len differs after {at}");
    assert_eq!(model.capacity(), ours.capacity(), "capacity differs after {at}");
}
