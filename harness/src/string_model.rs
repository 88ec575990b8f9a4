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
//! Fallible methods std lacks (`try_push`, `try_insert_str`, ...) are modelled on std's
//! side as `try_reserve` followed by the infallible call. With [`run_with_faults`], every
//! fallible call on ours runs first with a failing `TestAlloc` armed: if it failed for lack
//! of memory, ours must be unchanged (pointer included) and std's side is skipped; see
//! [`crate::faults`]. The fuzz target `string` decodes a case with [`arbitrary_case`].

// The tests run on toolchains newer than the crate's MSRV (std's
// `String::extend_from_within` is from 1.87).
#![allow(clippy::incompatible_msrv)]

use std::ops::Bound;

use allockit::alloc::Allocator;
use allockit::{String as KString, TryReserveError, TryReserveErrorKind};
use arbitrary::{Arbitrary, Unstructured};
use proptest::collection::vec as pvec;
use proptest::prelude::*;

use crate::faults::{self, Faults};
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

/// A char from [`ALPHABET`], decoded by `arbitrary`.
fn arb_char(u: &mut Unstructured<'_>) -> arbitrary::Result<char> {
    u.choose(ALPHABET).copied()
}

/// A string of fewer than `max` chars from [`ALPHABET`], decoded by `arbitrary`.
fn arb_text(u: &mut Unstructured<'_>, max: u8) -> arbitrary::Result<String> {
    let n = u.int_in_range(0..=max - 1)?;
    (0..n).map(|_| arb_char(u)).collect()
}

fn arb_chars(u: &mut Unstructured<'_>) -> arbitrary::Result<Vec<char>> {
    let n = u.int_in_range(0..=4)?;
    (0..n).map(|_| arb_char(u)).collect()
}

fn arb_texts(u: &mut Unstructured<'_>) -> arbitrary::Result<Vec<String>> {
    let n = u.int_in_range(0..=3)?;
    (0..n).map(|_| arb_text(u, 3)).collect()
}

fn arb_take(u: &mut Unstructured<'_>) -> arbitrary::Result<u8> {
    u.int_in_range(0..=3)
}

fn arb_panic_at(u: &mut Unstructured<'_>) -> arbitrary::Result<Option<u8>> {
    Ok(if u.arbitrary()? { Some(u.int_in_range(0..=7)?) } else { None })
}

/// One operation. Indices are `u16`s reduced modulo `len + 4` when run, so some are past
/// the end and many fall inside multi-byte chars.
///
/// Drawn by proptest ([`any_op`]) and decoded by `arbitrary` with the same bounds: chars
/// from [`ALPHABET`], strings of at most 7 chars, at most 4 chars or 3 strings to extend by.
#[derive(Clone, Debug, Arbitrary)]
pub enum Op {
    Push(#[arbitrary(with = arb_char)] char),
    TryPush(#[arbitrary(with = arb_char)] char),
    PushStr(#[arbitrary(with = |u: &mut Unstructured| arb_text(u, 6))] String),
    TryPushStr(#[arbitrary(with = |u: &mut Unstructured| arb_text(u, 6))] String),
    AddAssign(#[arbitrary(with = |u: &mut Unstructured| arb_text(u, 4))] String),
    Pop,
    Insert(u16, #[arbitrary(with = arb_char)] char),
    TryInsert(u16, #[arbitrary(with = arb_char)] char),
    InsertStr(u16, #[arbitrary(with = |u: &mut Unstructured| arb_text(u, 5))] String),
    TryInsertStr(u16, #[arbitrary(with = |u: &mut Unstructured| arb_text(u, 5))] String),
    Remove(u16),
    Truncate(u16),
    Clear,
    SplitOff(u16),
    /// Drain a range, take `front` chars from the front and `back` from the back, then
    /// drop the rest.
    Drain(
        Bound<u16>,
        Bound<u16>,
        #[arbitrary(with = arb_take)] u8,
        #[arbitrary(with = arb_take)] u8,
    ),
    ReplaceRange(
        Bound<u16>,
        Bound<u16>,
        #[arbitrary(with = |u: &mut Unstructured| arb_text(u, 5))] String,
    ),
    ExtendFromWithin(Bound<u16>, Bound<u16>),
    ExtendChars(#[arbitrary(with = arb_chars)] Vec<char>),
    ExtendStrs(#[arbitrary(with = arb_texts)] Vec<String>),
    Reserve(u8),
    ReserveExact(u8),
    TryReserve(bool, u8),
    TryReserveExact(bool, u8),
    ShrinkTo(u8),
    ShrinkToFit,
    /// Keep the chars whose bit in the mask is set; panic on the `n`-th call if `Some(n)`.
    Retain(u64, #[arbitrary(with = arb_panic_at)] Option<u8>),
    CloneFrom(#[arbitrary(with = |u: &mut Unstructured| arb_text(u, 8))] String),
    MakeAsciiUppercase,
}

/// The most operations a case decoded by [`arbitrary_case`] holds.
pub const MAX_DECODED_OPS: usize = 64;

/// A case as [`any_case`] draws it, decoded by `arbitrary`: an initial capacity below 20,
/// an initial text, and operations until the input ends ([`MAX_DECODED_OPS`] at most).
pub fn arbitrary_case(u: &mut Unstructured<'_>) -> arbitrary::Result<(u8, String, Vec<Op>)> {
    let cap = u.int_in_range(0..=19)?;
    let init = arb_text(u, 8)?;
    let mut ops = Vec::new();
    while ops.len() < MAX_DECODED_OPS && !u.is_empty() {
        ops.push(u.arbitrary()?);
    }
    Ok((cap, init, ops))
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

/// Whether `op` calls a fallible method of ours.
fn is_fallible(op: &Op) -> bool {
    matches!(
        op,
        Op::TryPush(_)
            | Op::TryPushStr(_)
            | Op::TryInsert(..)
            | Op::TryInsertStr(..)
            | Op::TryReserve(..)
            | Op::TryReserveExact(..)
    )
}

/// Our fallible method for a fallible `op`.
fn try_ours<A: Allocator>(s: &mut KString<A>, op: &Op) -> Result<(), TryReserveError> {
    let len = s.len();
    match op {
        Op::TryPush(c) => s.try_push(*c),
        Op::TryPushStr(t) => s.try_push_str(t),
        Op::TryInsert(i, c) => s.try_insert(ix(*i, len), *c),
        Op::TryInsertStr(i, t) => s.try_insert_str(ix(*i, len), t),
        Op::TryReserve(h, n) => s.try_reserve(amount(*h, *n)),
        Op::TryReserveExact(h, n) => s.try_reserve_exact(amount(*h, *n)),
        _ => unreachable!("not a fallible op: {op:?}"),
    }
}

/// Whether ours failed for lack of memory.
fn is_alloc_error<R>(r: &Result<Result<R, TryReserveError>, String>) -> bool {
    matches!(r, Ok(Err(e)) if matches!(e.kind(), TryReserveErrorKind::AllocError { .. }))
}

/// Runs a case on std's `String` and on ours over `alloc`, comparing after every op;
/// `probe` sees ours after each step (and after the last one).
pub fn run<A: Allocator + Clone>(
    alloc: A,
    case: &(u8, String, Vec<Op>),
    probe: &dyn Fn(&KString<A>),
) {
    run_with_faults(alloc, case, probe, None);
}

/// [`run`], with every fallible call on ours (the initial `try_with_capacity_in` when the
/// capacity is odd, `try_push`, `try_insert_str`, `try_reserve`...) armed under `faults`;
/// see [`crate::faults`]. Returns how many operations ran.
pub fn run_with_faults<A: Allocator + Clone>(
    alloc: A,
    (cap, init, ops): &(u8, String, Vec<Op>),
    probe: &dyn Fn(&KString<A>),
    faults: Option<Faults<'_>>,
) -> usize {
    let cap = usize::from(*cap);
    let (mut model, mut ours) = if cap % 2 == 1 {
        let (out, refused) =
            faults::call(faults, || KString::try_with_capacity_in(cap, alloc.clone()));
        let alloc_error = is_alloc_error(&out);
        if faults::judge(faults, refused, alloc_error, &|| format!("try_with_capacity_in({cap})")) {
            (String::with_capacity(cap), out.expect("no panic").expect("a small capacity"))
        } else {
            // Nothing was made: both start empty.
            (String::new(), KString::new_in(alloc))
        }
    } else {
        (String::with_capacity(cap), KString::with_capacity_in(cap, alloc))
    };
    model.push_str(init);
    ours.push_str(init);
    compare(&model, &ours, &|| "init".into());
    for (step, op) in ops.iter().enumerate() {
        let at = || format!("step {step}: {op:?}");
        let std_side = |model: &mut String| {
            catch(|| {
                let s = model;
                apply!(s, op, |s: &mut String, n, exact| if exact {
                    s.try_reserve_exact(n)
                } else {
                    s.try_reserve(n)
                })
            })
        };
        if is_fallible(op) {
            // Ours first, armed; std's side only if ours did not run out of memory.
            let before = (ours.as_ptr(), ours.len(), ours.capacity());
            let (o, refused) = faults::call(faults, || try_ours(&mut ours, op));
            if faults::judge(faults, refused, is_alloc_error(&o), &at) {
                let m = std_side(&mut model);
                assert_eq!(m, o.map(kind), "return value or panic differs at {}", at());
            } else {
                let after = (ours.as_ptr(), ours.len(), ours.capacity());
                assert_eq!(after, before, "{}: failed and changed (pointer, len, capacity)", at());
            }
        } else {
            let m = std_side(&mut model);
            let o = catch(|| {
                let s = &mut ours;
                apply!(s, op, |s: &mut KString<A>, n, exact| if exact {
                    s.try_reserve_exact(n)
                } else {
                    s.try_reserve(n)
                })
            });
            assert_eq!(m, o, "return value or panic differs at {}", at());
        }
        compare(&model, &ours, &at);
        probe(&ours);
        // `extend_from_within` doubles the strings at every step (a fuzzer found an input
        // that asked for gigabytes and timed out): past `FUZZ_MAX_LEN` bytes both are
        // truncated at the last char boundary before 256.
        if model.len() > FUZZ_MAX_LEN {
            let cut = (0..=256).rev().find(|&i| model.is_char_boundary(i)).expect("0 is");
            model.truncate(cut);
            ours.truncate(cut);
            compare(&model, &ours, &|| format!("{} and truncate({cut})", at()));
        }
    }
    ops.len()
}

/// The most bytes [`run_with_faults`] lets a string keep between steps.
pub const FUZZ_MAX_LEN: usize = 4096;

/// Same text, length and capacity; ours is valid UTF-8. `at` names the step (formatted
/// only on failure).
#[track_caller]
fn compare<A: Allocator>(model: &String, ours: &KString<A>, at: &dyn Fn() -> String) {
    assert!(std::str::from_utf8(ours.as_bytes()).is_ok(), "ours is not UTF-8 after {}", at());
    assert_eq!(model.as_str(), ours.as_str(), "contents differ after {}", at());
    assert_eq!(model.len(), ours.len(), "len differs after {}", at());
    assert_eq!(model.capacity(), ours.capacity(), "capacity differs after {}", at());
}
