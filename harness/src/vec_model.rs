//! The differential driver: every `Vec` operation, applied to std's `Vec<T>` (the model)
//! and to `allockit::Vec<T, A>`, with the results compared after each step.
//!
//! A test draws a [`Case`] (an initial capacity and a list of [`Op`]s) from [`case`] and
//! hands it to [`run`] with an element type and an allocator. For each op the driver
//!
//! 1. runs it on the model and on ours, each under [`catch`](crate::panics::catch), and
//!    asserts that both returned the same value or both panicked with the same message
//!    (ops draw out-of-range indices and ranges on purpose);
//! 2. asserts that contents, `len`, `capacity` (exactly: the growth rule is std's), the
//!    spare capacity and the pointers agree, that tracked elements are neither leaked nor
//!    dropped twice, and calls the caller's probe with the buffer ours should own.
//!
//! The element type is generic through [`Elem`] (values made from a `u8` seed), the
//! allocator through `A: Allocator + Clone`, so the same driver runs over `Global`,
//! `&TestAlloc` and the crate's own allocators. Fallible methods that std lacks
//! (`try_push`, `try_insert`, ...) are modelled as `try_reserve` followed by the
//! infallible call.
//!
//! With [`run_with_faults`], every fallible call on ours runs first with a failing
//! `TestAlloc` armed: if it failed for lack of memory, ours must be unchanged (pointer
//! included) and std's side is skipped; see [`crate::faults`]. The fuzz target `vec`
//! ([`crate::targets`]) decodes a [`Case`] with `arbitrary`.

use std::cmp::Ordering;
use std::collections::hash_map::DefaultHasher;
use std::fmt::Debug;
use std::hash::{Hash, Hasher};
use std::mem;
use std::ops::Bound;
use std::vec::Vec as StdVec;

use allockit::alloc::{Allocator, Global, Layout};
use allockit::{TryReserveError, TryReserveErrorKind, Vec as KVec};
use arbitrary::{Arbitrary, Unstructured};
use proptest::collection::vec as pvec;
use proptest::prelude::*;

use crate::drop_counter::{self, Tracked, TrackedZst};
use crate::faults::{self, Faults};
use crate::panics::catch;

// ---------------------------------------------------------------------------------------
// Element types
// ---------------------------------------------------------------------------------------

/// An element type the driver can run: values are made from a small seed, and each has a
/// small `key` that predicates look at.
pub trait Elem: Clone + Debug + Ord + Hash + 'static {
    /// A value for `seed`; equal seeds give equal values.
    fn make(seed: u8) -> Self;

    /// A small number derived from the value (its seed, for sized types).
    fn key(&self) -> u8;

    /// How many values of this type are alive, for types that keep count.
    fn live() -> Option<u64> {
        None
    }

    /// `Extend<&T>` on both vectors, for `Copy` types; false (and no change) otherwise.
    fn extend_ref<A: Allocator>(
        _std: &mut StdVec<Self>,
        _ours: &mut KVec<Self, A>,
        _items: &[Self],
    ) -> bool {
        false
    }
}

macro_rules! copy_extend_ref {
    () => {
        fn extend_ref<A: Allocator>(
            std: &mut StdVec<Self>,
            ours: &mut KVec<Self, A>,
            items: &[Self],
        ) -> bool {
            std.extend(items.iter());
            ours.extend(items.iter());
            true
        }
    };
}

impl Elem for u8 {
    fn make(seed: u8) -> Self {
        seed
    }
    fn key(&self) -> u8 {
        *self
    }
    copy_extend_ref!();
}

impl Elem for u64 {
    fn make(seed: u8) -> Self {
        u64::from(seed) * 0x0101_0101_0101_0101
    }
    fn key(&self) -> u8 {
        *self as u8
    }
    copy_extend_ref!();
}

impl Elem for () {
    fn make(_: u8) -> Self {}
    fn key(&self) -> u8 {
        0
    }
    copy_extend_ref!();
}

impl Elem for String {
    fn make(seed: u8) -> Self {
        format!("s{seed}")
    }
    fn key(&self) -> u8 {
        self[1..].parse().expect("made by Elem::make")
    }
}

impl Elem for Tracked {
    fn make(seed: u8) -> Self {
        Tracked::new(u32::from(seed))
    }
    fn key(&self) -> u8 {
        self.value() as u8
    }
    fn live() -> Option<u64> {
        Some(drop_counter::counts().live())
    }
}

impl Elem for TrackedZst {
    fn make(_: u8) -> Self {
        TrackedZst::new()
    }
    fn key(&self) -> u8 {
        0
    }
    fn live() -> Option<u64> {
        Some(drop_counter::counts().live())
    }
}

/// An element over 1 KiB, for which the minimum non-zero capacity is 1.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Big {
    seed: u8,
    pad: [u64; 130],
}

impl Debug for Big {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Big({})", self.seed)
    }
}

impl Elem for Big {
    fn make(seed: u8) -> Self {
        Big { seed, pad: [u64::from(seed) << 8 | 0xEE; 130] }
    }
    fn key(&self) -> u8 {
        assert!(self.pad.iter().all(|&p| p == u64::from(self.seed) << 8 | 0xEE), "torn Big");
        self.seed
    }
}

/// An over-aligned element: the buffer must be 64-byte aligned.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(align(64))]
pub struct Aligned(u8);

impl Elem for Aligned {
    fn make(seed: u8) -> Self {
        Aligned(seed)
    }
    fn key(&self) -> u8 {
        self.0
    }
}

fn make_all<T: Elem>(seeds: &[u8]) -> StdVec<T> {
    seeds.iter().map(|&s| T::make(s)).collect()
}

/// Hash of anything, with a fixed hasher.
pub fn hash_of<H: Hash + ?Sized>(x: &H) -> u64 {
    let mut h = DefaultHasher::new();
    x.hash(&mut h);
    h.finish()
}

// ---------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------

/// An index, resolved against the current length: `raw % (len + 2)`, so one draw in
/// `len + 2` or so is out of range.
#[derive(Clone, Copy, Debug, Arbitrary)]
pub struct Idx(pub u8);

impl Idx {
    fn at(self, len: usize) -> usize {
        usize::from(self.0) % (len + 2)
    }
}

/// A new length, resolved as `raw % (len + 8)` (so it grows as often as it shrinks).
#[derive(Clone, Copy, Debug, Arbitrary)]
pub struct Len(pub u8);

/// The most elements [`run_with_faults`] lets a vector keep between steps.
pub const FUZZ_MAX_LEN: usize = 1024;

impl Len {
    fn at(self, len: usize) -> usize {
        usize::from(self.0) % (len + 8)
    }
}

/// One end of a range, resolved against the length like [`Idx`].
#[derive(Clone, Copy, Debug)]
pub enum End {
    Unbounded,
    Included(u8),
    Excluded(u8),
    /// `Included(usize::MAX)` or `Excluded(usize::MAX)`: the overflow messages.
    Max {
        included: bool,
    },
}

/// Weighted as [`end`] draws it (`Max` 1 time in 16), so that not every other range
/// overflows.
impl<'a> Arbitrary<'a> for End {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let i = u8::arbitrary(u)?;
        Ok(match u.int_in_range(0..=15u8)? {
            0..=2 => End::Unbounded,
            3..=8 => End::Included(i),
            9..=14 => End::Excluded(i),
            _ => End::Max { included: i % 2 == 0 },
        })
    }

    fn size_hint(_depth: usize) -> (usize, Option<usize>) {
        (2, Some(2))
    }
}

impl End {
    fn at(self, len: usize) -> Bound<usize> {
        match self {
            End::Unbounded => Bound::Unbounded,
            End::Included(i) => Bound::Included(Idx(i).at(len)),
            End::Excluded(i) => Bound::Excluded(Idx(i).at(len)),
            End::Max { included: true } => Bound::Included(usize::MAX),
            End::Max { included: false } => Bound::Excluded(usize::MAX),
        }
    }
}

/// A range of any kind (`a..b`, `a..=b`, `..`, excluded starts, ...).
#[derive(Clone, Copy, Debug, Arbitrary)]
pub struct RangeSel(pub End, pub End);

impl RangeSel {
    fn at(self, len: usize) -> (Bound<usize>, Bound<usize>) {
        (self.0.at(len), self.1.at(len))
    }
}

/// A predicate for `retain`, `dedup_by`, `extract_if`, `pop_if`.
#[derive(Clone, Copy, Debug, Arbitrary)]
pub enum Pred {
    /// True when `key % m == r` (`m` in 1..4, `r` in 0..4).
    Key {
        #[arbitrary(with = |u: &mut Unstructured| u.int_in_range(1..=3u8))]
        m: u8,
        #[arbitrary(with = |u: &mut Unstructured| u.int_in_range(0..=3u8))]
        r: u8,
    },
    /// The answer for the `i`-th call is bit `i % 16` of the mask.
    Calls(u16),
}

/// A [`Pred`] being evaluated: counts its calls and records the keys it saw, so that the
/// order and number of calls are compared too.
struct Judge {
    pred: Pred,
    seen: StdVec<u8>,
}

impl Judge {
    fn new(pred: Pred) -> Self {
        Judge { pred, seen: StdVec::new() }
    }

    fn one<T: Elem>(&mut self, x: &T) -> bool {
        let call = self.seen.len();
        self.seen.push(x.key());
        match self.pred {
            Pred::Key { m, r } => x.key() % m == r % m,
            Pred::Calls(mask) => mask >> (call % 16) & 1 == 1,
        }
    }

    fn two<T: Elem>(&mut self, a: &T, b: &T) -> bool {
        let call = self.seen.len() / 2;
        self.seen.push(a.key());
        self.seen.push(b.key());
        match self.pred {
            Pred::Key { m, .. } => a.key() % m == b.key() % m,
            Pred::Calls(mask) => mask >> (call % 16) & 1 == 1,
        }
    }
}

/// How an iterator handed to `extend`/`splice` reports its length.
#[derive(Clone, Copy, Debug, Arbitrary)]
pub enum Hint {
    /// A `std::vec::IntoIter` (exact, and `TrustedLen` for std).
    Exact,
    /// Lower bound 0, no upper bound.
    Zero,
    /// Lower bound half the true length, upper bound exact.
    Half,
    /// Exact, but not `TrustedLen` (std takes its general path).
    Opaque,
}

/// An iterator with a chosen (honest) size hint.
struct Hinted<T> {
    inner: std::vec::IntoIter<T>,
    hint: Hint,
}

impl<T> Hinted<T> {
    fn new(items: StdVec<T>, hint: Hint) -> Self {
        Hinted { inner: items.into_iter(), hint }
    }
}

impl<T> Iterator for Hinted<T> {
    type Item = T;
    fn next(&mut self) -> Option<T> {
        self.inner.next()
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.inner.len();
        match self.hint {
            Hint::Zero => (0, None),
            Hint::Half => (n / 2, Some(n)),
            Hint::Exact | Hint::Opaque => (n, Some(n)),
        }
    }
}

/// An amount for `reserve` and friends.
#[derive(Clone, Copy, Debug)]
pub enum Amount {
    Small(u8),
    /// `usize::MAX`.
    UsizeMax,
    /// Just past `isize::MAX` bytes in total (`usize::MAX` for zero-sized types): always
    /// an overflow, never a real allocation request.
    Overflow,
    /// `usize::MAX - len`: fits a zero-sized type exactly, overflows the others.
    Fill,
}

/// Mostly small amounts (`Small(0..20)` 7 times in 8), as [`amount`] draws them.
impl<'a> Arbitrary<'a> for Amount {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(match u.int_in_range(0..=23u8)? {
            21 => Amount::UsizeMax,
            22 => Amount::Overflow,
            23 => Amount::Fill,
            n => Amount::Small(n % 20),
        })
    }

    fn size_hint(_depth: usize) -> (usize, Option<usize>) {
        (1, Some(1))
    }
}

impl Amount {
    fn at<T>(self, len: usize) -> usize {
        let size = mem::size_of::<T>();
        match self {
            Amount::Small(n) => usize::from(n),
            Amount::UsizeMax => usize::MAX,
            Amount::Overflow if size == 0 => usize::MAX,
            Amount::Overflow => (isize::MAX as usize / size).saturating_sub(len) + 1,
            Amount::Fill => usize::MAX - len,
        }
    }
}

/// One step on an iterator (`into_iter`, `drain`).
#[derive(Clone, Copy, Debug, Arbitrary)]
pub enum Step {
    Next,
    NextBack,
    Nth(u8),
    NthBack(u8),
    AsSlice,
    Len,
    /// Clone the iterator and collect the clone (`IntoIter` only; `as_slice` for others).
    Clone,
}

/// What a [`Step`] observed.
#[derive(Debug, PartialEq)]
pub enum Ev<T> {
    Item(Option<T>),
    Slice(StdVec<T>),
    Len(usize, (usize, Option<usize>)),
    Cloned(StdVec<T>),
}

/// The iterators the driver steps through.
trait Stepper<T: Elem>: DoubleEndedIterator<Item = T> + ExactSizeIterator {
    fn view(&self) -> StdVec<T>;
    fn dup(&self) -> Option<StdVec<T>>;
}

impl<T: Elem> Stepper<T> for std::vec::IntoIter<T> {
    fn view(&self) -> StdVec<T> {
        self.as_slice().to_vec()
    }
    fn dup(&self) -> Option<StdVec<T>> {
        Some(self.clone().collect())
    }
}

impl<T: Elem> Stepper<T> for std::vec::Drain<'_, T> {
    fn view(&self) -> StdVec<T> {
        self.as_slice().to_vec()
    }
    fn dup(&self) -> Option<StdVec<T>> {
        None
    }
}

impl<T: Elem, A: Allocator + Clone> Stepper<T> for allockit::vec::IntoIter<T, A> {
    fn view(&self) -> StdVec<T> {
        self.as_slice().to_vec()
    }
    fn dup(&self) -> Option<StdVec<T>> {
        Some(self.clone().collect())
    }
}

impl<T: Elem, A: Allocator> Stepper<T> for allockit::vec::Drain<'_, T, A> {
    fn view(&self) -> StdVec<T> {
        self.as_slice().to_vec()
    }
    fn dup(&self) -> Option<StdVec<T>> {
        None
    }
}

fn steps<T: Elem>(it: &mut impl Stepper<T>, plan: &[Step]) -> StdVec<Ev<T>> {
    plan.iter()
        .map(|step| match *step {
            Step::Next => Ev::Item(it.next()),
            Step::NextBack => Ev::Item(it.next_back()),
            Step::Nth(n) => Ev::Item(it.nth(usize::from(n % 4))),
            Step::NthBack(n) => Ev::Item(it.nth_back(usize::from(n % 4))),
            Step::AsSlice => Ev::Slice(it.view()),
            Step::Len => Ev::Len(it.len(), it.size_hint()),
            Step::Clone => match it.dup() {
                Some(all) => Ev::Cloned(all),
                None => Ev::Slice(it.view()),
            },
        })
        .collect()
}

/// One operation of the differential driver. Seeds make elements through [`Elem::make`].
///
/// Drawn by proptest ([`op`]) for the test suite and decoded by `arbitrary` for the fuzz
/// targets, with the same bounds: seeds in 0..8, lists of up to 6 seeds (24 for the
/// iterator-taking ops), iterator plans of up to 5 steps.
#[derive(Clone, Debug, Arbitrary)]
pub enum Op {
    Push(#[arbitrary(with = arb_seed)] u8),
    Pop,
    PopIf(Pred),
    Insert(Idx, #[arbitrary(with = arb_seed)] u8),
    Remove(Idx),
    SwapRemove(Idx),
    Truncate(Len),
    Clear,
    Resize(Len, #[arbitrary(with = arb_seed)] u8),
    ResizeWith(Len, #[arbitrary(with = arb_seed)] u8),
    ExtendFromSlice(#[arbitrary(with = arb_seeds)] StdVec<u8>),
    ExtendFromWithin(RangeSel),
    Extend(#[arbitrary(with = arb_long_seeds)] StdVec<u8>, Hint),
    ExtendRef(#[arbitrary(with = arb_seeds)] StdVec<u8>),
    Append(#[arbitrary(with = arb_long_seeds)] StdVec<u8>),
    SplitOff(Idx),
    Retain(Pred),
    RetainMut(Pred, #[arbitrary(with = arb_seed)] u8),
    Dedup,
    DedupBy(Pred),
    DedupByKey(#[arbitrary(with = |u: &mut Unstructured| u.int_in_range(1..=3u8))] u8),
    Drain(RangeSel, #[arbitrary(with = arb_plan)] StdVec<Step>),
    /// Range, replacement, its size hint, how many removed items to take before dropping.
    Splice(
        RangeSel,
        #[arbitrary(with = arb_long_seeds)] StdVec<u8>,
        Hint,
        #[arbitrary(with = arb_take)] u8,
    ),
    /// Range, predicate, how many items to take before dropping (>= 4: all).
    ExtractIf(RangeSel, Pred, #[arbitrary(with = arb_take)] u8),
    Reserve(Amount),
    ReserveExact(Amount),
    TryReserve(Amount),
    TryReserveExact(Amount),
    ShrinkTo(Len),
    ShrinkToFit,
    /// Write into `spare_capacity_mut`, then `set_len`.
    FillSpare(#[arbitrary(with = arb_seeds)] StdVec<u8>),
    PushWithinCapacity(#[arbitrary(with = arb_seed)] u8),
    TryPush(#[arbitrary(with = arb_seed)] u8),
    TryInsert(Idx, #[arbitrary(with = arb_seed)] u8),
    TryExtendFromSlice(#[arbitrary(with = arb_seeds)] StdVec<u8>),
    TryResize(Len, #[arbitrary(with = arb_seed)] u8),
    /// `v[i]`.
    Get(Idx),
    /// `v[i] = x`.
    Set(Idx, #[arbitrary(with = arb_seed)] u8),
    /// `v[range]`.
    Slice(RangeSel),
    /// `for x in &mut v`, overwriting every other element.
    IterMut(#[arbitrary(with = arb_seed)] u8),
    /// `for x in &v`.
    IterRef,
    /// Slice methods through `DerefMut`.
    Reverse,
    Sort,
    /// Consume the vector by value with these steps, drop the rest; continue with an empty
    /// vector.
    IntoIter(#[arbitrary(with = arb_plan)] StdVec<Step>),
    Clone,
    /// `clone_from` a vector made from the seeds.
    CloneFrom(#[arbitrary(with = arb_seeds)] StdVec<u8>),
    /// `==`, `cmp`, `partial_cmp` against vectors and slices made from the seeds, and the
    /// hash.
    Compare(#[arbitrary(with = arb_seeds)] StdVec<u8>),
    /// `into_raw_parts_with_alloc` then `from_raw_parts_in` (ours only).
    RawParts,
}

/// A run: the initial capacity and the operations.
///
/// Decoded by `arbitrary`, the capacity is below 10 (as drawn by [`case`]) and the
/// operations are read until the input ends, [`MAX_DECODED_OPS`] at most.
#[derive(Clone, Debug, Arbitrary)]
pub struct Case {
    #[arbitrary(with = |u: &mut Unstructured| u.int_in_range(0..=9u8))]
    pub init_cap: u8,
    #[arbitrary(with = arb_ops)]
    pub ops: StdVec<Op>,
}

/// The most operations a [`Case`] decoded by `arbitrary` holds.
pub const MAX_DECODED_OPS: usize = 64;

// The `arbitrary` forms of the bounded values, matching the proptest strategies below.

fn arb_seed(u: &mut Unstructured<'_>) -> arbitrary::Result<u8> {
    u.int_in_range(0..=7)
}

fn arb_seed_list(u: &mut Unstructured<'_>, max: u8) -> arbitrary::Result<StdVec<u8>> {
    let n = u.int_in_range(0..=max)?;
    (0..n).map(|_| arb_seed(u)).collect()
}

fn arb_seeds(u: &mut Unstructured<'_>) -> arbitrary::Result<StdVec<u8>> {
    arb_seed_list(u, 6)
}

fn arb_long_seeds(u: &mut Unstructured<'_>) -> arbitrary::Result<StdVec<u8>> {
    arb_seed_list(u, 23)
}

fn arb_plan(u: &mut Unstructured<'_>) -> arbitrary::Result<StdVec<Step>> {
    let n = u.int_in_range(0..=5)?;
    (0..n).map(|_| u.arbitrary()).collect()
}

fn arb_take(u: &mut Unstructured<'_>) -> arbitrary::Result<u8> {
    u.int_in_range(0..=5)
}

fn arb_ops(u: &mut Unstructured<'_>) -> arbitrary::Result<StdVec<Op>> {
    let mut ops = StdVec::new();
    while ops.len() < MAX_DECODED_OPS && !u.is_empty() {
        ops.push(u.arbitrary()?);
    }
    Ok(ops)
}

fn seed() -> impl Strategy<Value = u8> {
    0u8..8
}

fn seeds() -> impl Strategy<Value = StdVec<u8>> {
    pvec(0u8..8, 0..7)
}

/// Longer lists, for the iterator-taking ops: a lower bound larger than the capacity is
/// what tells growth strategies apart.
fn long_seeds() -> impl Strategy<Value = StdVec<u8>> {
    prop_oneof![pvec(0u8..8, 0..7), pvec(0u8..8, 7..24)]
}

fn idx() -> impl Strategy<Value = Idx> {
    any::<u8>().prop_map(Idx)
}

fn new_len() -> impl Strategy<Value = Len> {
    any::<u8>().prop_map(Len)
}

fn end() -> impl Strategy<Value = End> {
    prop_oneof![
        3 => Just(End::Unbounded),
        6 => any::<u8>().prop_map(End::Included),
        6 => any::<u8>().prop_map(End::Excluded),
        1 => any::<bool>().prop_map(|included| End::Max { included }),
    ]
}

fn range() -> impl Strategy<Value = RangeSel> {
    (end(), end()).prop_map(|(a, b)| RangeSel(a, b))
}

fn pred() -> impl Strategy<Value = Pred> {
    prop_oneof![
        (1u8..4, 0u8..4).prop_map(|(m, r)| Pred::Key { m, r }),
        any::<u16>().prop_map(Pred::Calls),
    ]
}

fn hint() -> impl Strategy<Value = Hint> {
    prop_oneof![Just(Hint::Exact), Just(Hint::Zero), Just(Hint::Half), Just(Hint::Opaque)]
}

fn amount() -> impl Strategy<Value = Amount> {
    prop_oneof![
        12 => (0u8..20).prop_map(Amount::Small),
        1 => Just(Amount::UsizeMax),
        1 => Just(Amount::Overflow),
        1 => Just(Amount::Fill),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => Just(Step::Next),
        3 => Just(Step::NextBack),
        1 => any::<u8>().prop_map(Step::Nth),
        1 => any::<u8>().prop_map(Step::NthBack),
        1 => Just(Step::AsSlice),
        1 => Just(Step::Len),
        1 => Just(Step::Clone),
    ]
}

fn plan() -> impl Strategy<Value = StdVec<Step>> {
    pvec(step(), 0..6)
}

/// Any [`Op`], weighted towards the growing and shrinking ones.
pub fn op() -> BoxedStrategy<Op> {
    prop_oneof![
        10 => seed().prop_map(Op::Push),
        3 => Just(Op::Pop),
        1 => pred().prop_map(Op::PopIf),
        3 => (idx(), seed()).prop_map(|(i, s)| Op::Insert(i, s)),
        2 => idx().prop_map(Op::Remove),
        2 => idx().prop_map(Op::SwapRemove),
        1 => new_len().prop_map(Op::Truncate),
        1 => Just(Op::Clear),
        2 => (new_len(), seed()).prop_map(|(n, s)| Op::Resize(n, s)),
        1 => (new_len(), seed()).prop_map(|(n, s)| Op::ResizeWith(n, s)),
        2 => seeds().prop_map(Op::ExtendFromSlice),
        1 => range().prop_map(Op::ExtendFromWithin),
        3 => (long_seeds(), hint()).prop_map(|(s, h)| Op::Extend(s, h)),
        1 => seeds().prop_map(Op::ExtendRef),
        1 => long_seeds().prop_map(Op::Append),
        1 => idx().prop_map(Op::SplitOff),
        1 => pred().prop_map(Op::Retain),
        1 => (pred(), seed()).prop_map(|(p, s)| Op::RetainMut(p, s)),
        1 => Just(Op::Dedup),
        1 => pred().prop_map(Op::DedupBy),
        1 => (1u8..4).prop_map(Op::DedupByKey),
        2 => (range(), plan()).prop_map(|(r, p)| Op::Drain(r, p)),
        2 => (range(), long_seeds(), hint(), 0u8..6).prop_map(|(r, s, h, t)| Op::Splice(r, s, h, t)),
        2 => (range(), pred(), 0u8..6).prop_map(|(r, p, t)| Op::ExtractIf(r, p, t)),
        1 => amount().prop_map(Op::Reserve),
        1 => amount().prop_map(Op::ReserveExact),
        1 => amount().prop_map(Op::TryReserve),
        1 => amount().prop_map(Op::TryReserveExact),
        1 => new_len().prop_map(Op::ShrinkTo),
        1 => Just(Op::ShrinkToFit),
        1 => seeds().prop_map(Op::FillSpare),
        2 => seed().prop_map(Op::PushWithinCapacity),
        3 => seed().prop_map(Op::TryPush),
        2 => (idx(), seed()).prop_map(|(i, s)| Op::TryInsert(i, s)),
        2 => seeds().prop_map(Op::TryExtendFromSlice),
        1 => (new_len(), seed()).prop_map(|(n, s)| Op::TryResize(n, s)),
        1 => idx().prop_map(Op::Get),
        1 => (idx(), seed()).prop_map(|(i, s)| Op::Set(i, s)),
        1 => range().prop_map(Op::Slice),
        1 => seed().prop_map(Op::IterMut),
        1 => Just(Op::IterRef),
        1 => Just(Op::Reverse),
        1 => Just(Op::Sort),
        1 => plan().prop_map(Op::IntoIter),
        1 => Just(Op::Clone),
        1 => seeds().prop_map(Op::CloneFrom),
        1 => seeds().prop_map(Op::Compare),
        1 => Just(Op::RawParts),
    ]
    .boxed()
}

/// A [`Case`] of up to `max_ops` operations.
pub fn case(max_ops: usize) -> impl Strategy<Value = Case> {
    (0u8..10, pvec(op(), 1..max_ops)).prop_map(|(init_cap, ops)| Case { init_cap, ops })
}

// ---------------------------------------------------------------------------------------
// The driver
// ---------------------------------------------------------------------------------------

/// What ours should own after a step, handed to the probe: the buffer pointer and, if it
/// should be allocated at all, the layout it was allocated with.
#[derive(Clone, Copy, Debug)]
pub struct Buffer {
    pub ptr: *const u8,
    pub layout: Option<Layout>,
}

/// The model and ours, side by side.
struct Model<'f, T: Elem, A: Allocator + Clone> {
    std: StdVec<T>,
    ours: KVec<T, A>,
    alloc: A,
    faults: Option<Faults<'f>>,
}

/// Runs `$body` with `$v` bound to each vector in turn (std's first) and `$new` to a
/// constructor of an empty vector of the same type and allocator, and asserts that both
/// runs returned the same value or panicked with the same message.
macro_rules! both {
    ($m:expr, $op:expr, |$v:ident, $new:ident| $body:expr) => {{
        let alloc = $m.alloc.clone();
        let std_out = catch(|| {
            let $v = &mut $m.std;
            #[allow(unused_variables)]
            let $new = || StdVec::<T>::new();
            $body
        });
        let our_out = catch(|| {
            let $v = &mut $m.ours;
            #[allow(unused_variables)]
            let $new = || KVec::<T, A>::new_in(alloc.clone());
            $body
        });
        assert_eq!(std_out, our_out, "{:?}: std's result (left) differs from ours (right)", $op);
    }};
    ($m:expr, $op:expr, |$v:ident| $body:expr) => {
        both!($m, $op, |$v, _new| $body)
    };
}

/// Like `both!`, with a separate body for each side (for methods std does not have).
macro_rules! pair {
    ($m:expr, $op:expr, |$s:ident| $std_body:expr, |$o:ident| $our_body:expr) => {{
        let std_out = catch(|| {
            let $s = &mut $m.std;
            $std_body
        });
        let our_out = catch(|| {
            let $o = &mut $m.ours;
            $our_body
        });
        assert_eq!(std_out, our_out, "{:?}: std's result (left) differs from ours (right)", $op);
    }};
}

/// std's result of a fallible reservation, reduced to what both sides can report.
fn std_res<E>(r: Result<(), E>) -> Result<(), ()> {
    r.map_err(drop)
}

/// Ours, reduced the same way. Allocation errors are handled before (see
/// [`Model::fallible`]), so every error left must be a capacity overflow.
#[track_caller]
fn our_res(r: Result<(), TryReserveError>) -> Result<(), ()> {
    r.map_err(|e| {
        assert!(
            matches!(e.kind(), TryReserveErrorKind::CapacityOverflow),
            "unexpected error kind {:?}",
            e.kind()
        );
    })
}

/// Whether ours failed for lack of memory.
fn is_alloc_error<R>(r: &Result<Result<R, TryReserveError>, String>) -> bool {
    matches!(r, Ok(Err(e)) if matches!(e.kind(), TryReserveErrorKind::AllocError { .. }))
}

impl<T: Elem, A: Allocator + Clone> Model<'_, T, A> {
    /// A fallible call: ours first, armed (see [`crate::faults`]); if it failed for lack
    /// of memory, ours must be unchanged and std's side is skipped, otherwise std's
    /// equivalent runs and both results must agree.
    fn fallible(
        &mut self,
        op: &Op,
        ours: impl FnOnce(&mut KVec<T, A>) -> Result<(), TryReserveError>,
        std: impl FnOnce(&mut StdVec<T>) -> Result<(), ()>,
    ) {
        let before = (self.ours.as_ptr(), self.ours.len(), self.ours.capacity());
        let (our_out, refused) = faults::call(self.faults, || ours(&mut self.ours));
        let alloc_error = is_alloc_error(&our_out);
        if !faults::judge(self.faults, refused, alloc_error, &|| format!("{op:?}")) {
            let after = (self.ours.as_ptr(), self.ours.len(), self.ours.capacity());
            assert_eq!(after, before, "{op:?} failed and changed (pointer, len, capacity)");
            return;
        }
        let our_out = our_out.map(our_res);
        let std_out = catch(|| std(&mut self.std));
        assert_eq!(std_out, our_out, "{op:?}: std's result (left) differs from ours (right)");
    }

    fn apply(&mut self, op: &Op) {
        let len = self.std.len();
        match op {
            Op::Push(s) => both!(self, op, |v| v.push(T::make(*s))),
            Op::Pop => both!(self, op, |v| v.pop()),
            Op::PopIf(p) => both!(self, op, |v| {
                let mut j = Judge::new(*p);
                let out = v.pop_if(|x| j.one(x));
                (out, j.seen)
            }),
            Op::Insert(i, s) => both!(self, op, |v| v.insert(i.at(len), T::make(*s))),
            Op::Remove(i) => both!(self, op, |v| v.remove(i.at(len))),
            Op::SwapRemove(i) => both!(self, op, |v| v.swap_remove(i.at(len))),
            Op::Truncate(n) => both!(self, op, |v| v.truncate(n.at(len))),
            Op::Clear => both!(self, op, |v| v.clear()),
            Op::Resize(n, s) => both!(self, op, |v| v.resize(n.at(len), T::make(*s))),
            Op::ResizeWith(n, s) => both!(self, op, |v| {
                let mut calls = 0u8;
                v.resize_with(n.at(len), || {
                    calls += 1;
                    T::make(s.wrapping_add(calls) % 8)
                });
                calls
            }),
            Op::ExtendFromSlice(seeds) => {
                let items = make_all::<T>(seeds);
                both!(self, op, |v| v.extend_from_slice(&items));
            }
            Op::ExtendFromWithin(r) => both!(self, op, |v| v.extend_from_within(r.at(len))),
            Op::Extend(seeds, h) => both!(self, op, |v| {
                let items = make_all::<T>(seeds);
                match h {
                    Hint::Exact => v.extend(items),
                    _ => v.extend(Hinted::new(items, *h)),
                }
            }),
            Op::ExtendRef(seeds) => {
                let items = make_all::<T>(seeds);
                if !T::extend_ref(&mut self.std, &mut self.ours, &items) {
                    self.std.extend_from_slice(&items);
                    self.ours.extend_from_slice(&items);
                }
            }
            Op::Append(seeds) => both!(self, op, |v, new| {
                let mut other = new();
                other.extend(make_all::<T>(seeds));
                v.append(&mut other);
                (other.len(), other.capacity())
            }),
            Op::SplitOff(i) => both!(self, op, |v| {
                let tail = v.split_off(i.at(len));
                (tail.capacity(), tail.to_vec())
            }),
            Op::Retain(p) => both!(self, op, |v| {
                let mut j = Judge::new(*p);
                v.retain(|x| j.one(x));
                j.seen
            }),
            Op::RetainMut(p, s) => both!(self, op, |v| {
                let mut j = Judge::new(*p);
                v.retain_mut(|x| {
                    let keep = j.one(x);
                    if keep && j.seen.len().is_multiple_of(2) {
                        *x = T::make(*s);
                    }
                    keep
                });
                j.seen
            }),
            Op::Dedup => both!(self, op, |v| v.dedup()),
            Op::DedupBy(p) => both!(self, op, |v| {
                let mut j = Judge::new(*p);
                v.dedup_by(|a, b| j.two(a, b));
                j.seen
            }),
            Op::DedupByKey(m) => both!(self, op, |v| v.dedup_by_key(|x| x.key() % m)),
            Op::Drain(r, plan) => both!(self, op, |v| steps(&mut v.drain(r.at(len)), plan)),
            Op::Splice(r, seeds, h, take) => both!(self, op, |v| {
                let items = make_all::<T>(seeds);
                let take = usize::from(*take);
                match h {
                    Hint::Exact => v.splice(r.at(len), items).take(take).collect::<StdVec<T>>(),
                    _ => v
                        .splice(r.at(len), Hinted::new(items, *h))
                        .take(take)
                        .collect::<StdVec<T>>(),
                }
            }),
            Op::ExtractIf(r, p, take) => both!(self, op, |v| {
                let mut j = Judge::new(*p);
                let take = if *take >= 4 { usize::MAX } else { usize::from(*take) };
                let out = v.extract_if(r.at(len), |x| j.one(x)).take(take).collect::<StdVec<T>>();
                (out, j.seen)
            }),
            Op::Reserve(a) => both!(self, op, |v| v.reserve(a.at::<T>(len))),
            Op::ReserveExact(a) => both!(self, op, |v| v.reserve_exact(a.at::<T>(len))),
            Op::TryReserve(a) => self.fallible(
                op,
                |o| o.try_reserve(a.at::<T>(len)),
                |s| std_res(s.try_reserve(a.at::<T>(len))),
            ),
            Op::TryReserveExact(a) => self.fallible(
                op,
                |o| o.try_reserve_exact(a.at::<T>(len)),
                |s| std_res(s.try_reserve_exact(a.at::<T>(len))),
            ),
            Op::ShrinkTo(n) => {
                let min = usize::from(n.0) % (self.std.capacity().min(64) + 3);
                both!(self, op, |v| v.shrink_to(min));
            }
            Op::ShrinkToFit => both!(self, op, |v| v.shrink_to_fit()),
            Op::FillSpare(seeds) => both!(self, op, |v| {
                let spare = v.spare_capacity_mut();
                let spare_len = spare.len();
                let n = seeds.len().min(spare_len);
                for (slot, &s) in spare.iter_mut().zip(&seeds[..n]) {
                    slot.write(T::make(s));
                }
                // SAFETY: the first `n` spare slots were just initialised.
                unsafe { v.set_len(len + n) };
                spare_len
            }),
            Op::PushWithinCapacity(s) => pair!(
                self,
                op,
                |v| {
                    let x = T::make(*s);
                    if v.len() < v.capacity() {
                        v.push(x);
                        Ok(())
                    } else {
                        Err(x)
                    }
                },
                |v| v.push_within_capacity(T::make(*s))
            ),
            Op::TryPush(s) => self.fallible(
                op,
                |o| o.try_push(T::make(*s)),
                |v| std_res(v.try_reserve(1)).map(|()| v.push(T::make(*s))),
            ),
            Op::TryInsert(i, s) => self.fallible(
                op,
                |o| o.try_insert(i.at(len), T::make(*s)),
                |v| {
                    let at = i.at(len);
                    if at > len {
                        // std's `insert` panics here, before any reservation.
                        v.insert(at, T::make(*s));
                    }
                    std_res(v.try_reserve(1)).map(|()| v.insert(at, T::make(*s)))
                },
            ),
            Op::TryExtendFromSlice(seeds) => {
                let items = make_all::<T>(seeds);
                self.fallible(
                    op,
                    |o| o.try_extend_from_slice(&items),
                    |v| std_res(v.try_reserve(items.len())).map(|()| v.extend_from_slice(&items)),
                );
            }
            Op::TryResize(n, s) => self.fallible(
                op,
                |o| o.try_resize(n.at(len), T::make(*s)),
                |v| {
                    let n = n.at(len);
                    std_res(v.try_reserve(n.saturating_sub(len))).map(|()| v.resize(n, T::make(*s)))
                },
            ),
            Op::Get(i) => both!(self, op, |v| v[i.at(len)].clone()),
            Op::Set(i, s) => both!(self, op, |v| v[i.at(len)] = T::make(*s)),
            Op::Slice(r) => both!(self, op, |v| v[r.at(len)].to_vec()),
            Op::IterMut(s) => both!(self, op, |v| {
                let mut n = 0_usize;
                for x in &mut *v {
                    if n.is_multiple_of(2) {
                        *x = T::make(*s);
                    }
                    n += 1;
                }
                n
            }),
            Op::IterRef => both!(self, op, |v| {
                let by_ref: &_ = v;
                let mut out = StdVec::new();
                for x in by_ref {
                    out.push(x.clone());
                }
                out
            }),
            Op::Reverse => both!(self, op, |v| v.reverse()),
            Op::Sort => both!(self, op, |v| v.sort()),
            Op::IntoIter(plan) => both!(self, op, |v, new| {
                let mut it = mem::replace(v, new()).into_iter();
                steps(&mut it, plan)
            }),
            Op::Clone => both!(self, op, |v| {
                let c = v.clone();
                (c.capacity(), c.to_vec(), c == *v)
            }),
            Op::CloneFrom(seeds) => both!(self, op, |v, new| {
                let mut src = new();
                src.extend(make_all::<T>(seeds));
                v.clone_from(&src);
            }),
            Op::Compare(seeds) => self.compare(seeds),
            Op::RawParts => {
                let before = self.ours.as_ptr();
                let ours = mem::replace(&mut self.ours, KVec::new_in(self.alloc.clone()));
                let (ptr, len, cap, alloc) = ours.into_raw_parts_with_alloc();
                assert_eq!(ptr.cast_const(), before, "into_raw_parts_with_alloc moved the buffer");
                assert_eq!((len, cap), (self.std.len(), self.std.capacity()));
                // SAFETY: the parts come straight from `into_raw_parts_with_alloc`.
                self.ours = unsafe { KVec::from_raw_parts_in(ptr, len, cap, alloc) };
                assert_eq!(self.ours.as_ptr(), before, "from_raw_parts_in moved the buffer");
            }
        }
    }

    /// Equality, ordering and hashing against other vectors and slices made from `seeds`.
    fn compare(&mut self, seeds: &[u8]) {
        let other_std = make_all::<T>(seeds);
        let mut other_ours = KVec::new_in(self.alloc.clone());
        other_ours.extend(make_all::<T>(seeds));
        let other_global: KVec<T, Global> = make_all::<T>(seeds).into_iter().collect();
        let s = &self.std;
        let o = &self.ours;
        let eq = *s == other_std;
        assert_eq!(*o == other_ours, eq, "== against the same allocator");
        assert_eq!(*o == other_global, eq, "== against another allocator");
        assert_eq!(*o == *other_std.as_slice(), eq, "== [T]");
        assert_eq!(*o == other_std.as_slice(), eq, "== &[T]");
        assert_eq!(o != &other_ours, !eq, "!=");
        assert_eq!(o.cmp(&other_ours), s.cmp(&other_std), "Ord::cmp");
        assert_eq!(o.partial_cmp(&other_ours), s.partial_cmp(&other_std), "partial_cmp");
        assert_eq!(
            o.partial_cmp(&other_global),
            Some(s.cmp(&other_std)),
            "partial_cmp against another allocator"
        );
        assert_eq!(hash_of(o), hash_of(s.as_slice()), "Hash must equal the slice's");
        assert_eq!(hash_of(o), hash_of(s), "Hash must equal std's Vec's");
        let ord = s.cmp(&other_std);
        assert_eq!(ord == Ordering::Equal, eq);
    }

    /// The per-step invariants.
    fn check(&mut self, step: usize, op: &Op) -> Buffer {
        let (s, o) = (&mut self.std, &mut self.ours);
        let at = || format!("after step {step}: {op:?}");
        assert_eq!(o.as_slice(), s.as_slice(), "contents {}", at());
        assert_eq!(o.len(), s.len(), "len {}", at());
        assert_eq!(o.capacity(), s.capacity(), "capacity {}", at());
        assert_eq!(o.is_empty(), s.is_empty(), "is_empty {}", at());
        assert_eq!(&**o, s.as_slice(), "Deref {}", at());
        let ptr = o.as_ptr();
        assert!(ptr.is_aligned(), "misaligned pointer {}", at());
        assert_eq!(o.as_slice().as_ptr(), ptr, "as_slice pointer {}", at());
        assert_eq!(o.as_mut_ptr().cast_const(), ptr, "as_mut_ptr {}", at());
        let cap = o.capacity();
        assert_eq!(o.spare_capacity_mut().len(), cap - o.len(), "spare capacity {}", at());
        if let Some(live) = T::live() {
            let expected = (s.len() + o.len()) as u64;
            assert_eq!(live, expected, "live values (leak or double drop) {}", at());
        }
        let layout = (mem::size_of::<T>() != 0 && cap != 0)
            .then(|| Layout::array::<T>(cap).expect("capacity within isize::MAX bytes"));
        Buffer { ptr: ptr.cast(), layout }
    }
}

/// Runs `case` with elements `T` over `alloc`, calling `probe` after every step with the
/// buffer ours should own (a `TestAlloc` probe checks it is the one live block).
///
/// Checks at the end that every tracked element was dropped exactly once.
pub fn run<T: Elem, A: Allocator + Clone>(alloc: A, case: &Case, probe: &dyn Fn(Buffer)) {
    run_with_faults::<T, A>(alloc, case, probe, None);
}

/// [`run`], with every fallible call (the initial `try_with_capacity_in`, `try_reserve`,
/// `try_push`...) armed under `faults`; see [`crate::faults`]. Returns how many operations
/// ran.
pub fn run_with_faults<T: Elem, A: Allocator + Clone>(
    alloc: A,
    case: &Case,
    probe: &dyn Fn(Buffer),
    faults: Option<Faults<'_>>,
) -> usize {
    drop_counter::reset();
    let cap = usize::from(case.init_cap);
    let (std, ours) = if cap % 2 == 1 {
        let (out, refused) =
            faults::call(faults, || KVec::try_with_capacity_in(cap, alloc.clone()));
        let alloc_error = is_alloc_error(&out);
        if faults::judge(faults, refused, alloc_error, &|| format!("try_with_capacity_in({cap})")) {
            let ours = out.expect("no panic").expect("a small capacity");
            (StdVec::with_capacity(cap), ours)
        } else {
            // Nothing was made: both start empty.
            (StdVec::new(), KVec::new_in(alloc.clone()))
        }
    } else {
        (StdVec::with_capacity(cap), KVec::with_capacity_in(cap, alloc.clone()))
    };
    let mut m = Model::<T, A> { std, ours, alloc, faults };
    probe(m.check(0, &Op::Clear));
    for (i, op) in case.ops.iter().enumerate() {
        m.apply(op);
        probe(m.check(i + 1, op));
        // `extend_from_within` and `append` can double the vectors at every step, so 64
        // steps could ask for terabytes (a fuzzer found an input that did, and timed
        // out): past `FUZZ_MAX_LEN` elements both are truncated to 255, an ordinary
        // step that both must agree on.
        if m.std.len() > FUZZ_MAX_LEN {
            let cut = Op::Truncate(Len(u8::MAX));
            m.apply(&cut);
            probe(m.check(i + 1, &cut));
            debug_assert_eq!(m.std.len(), usize::from(u8::MAX));
        }
    }
    drop(m);
    if let Some(live) = T::live() {
        assert_eq!(live, 0, "values leaked at the end: {:?}", drop_counter::counts());
    }
    case.ops.len()
}
