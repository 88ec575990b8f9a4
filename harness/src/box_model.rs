//! Random operation sequences on our `Box` and std's `Box`, compared after every step:
//! `Box<String>`, `Box<[u32]>` and `Box<str>`, over `Global` and over a layout-checking
//! `&TestAlloc` (for which every live box's block is also checked, and nothing may be left
//! at the end).
//!
//! The `Try*` ops call our fallible constructors (`try_new_in`, `try_new_uninit_in`,
//! `try_new_zeroed_in`, `try_new_uninit_slice_in`, `try_new_zeroed_slice_in`); std's side
//! is the infallible `Box::new` of the same value. With [`run_with_faults`] each of them
//! runs armed under a failing `TestAlloc`: a refused request must make it fail, and then
//! no box is added on either side (so the comparison proves nothing else changed, and the
//! live-block check that nothing stayed allocated); see [`crate::faults`]. The fuzz target
//! `boxed` decodes ops with `arbitrary`.

// Boxes of strings and references to boxes are the point here: they are what is compared.
#![allow(clippy::box_collection, clippy::borrowed_box, clippy::type_complexity)]

use std::boxed::Box as StdBox;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use allockit::alloc::{AllocError, Allocator, Global, Layout};
use allockit::{Box, TryReserveError, TryReserveErrorKind, Vec, unsize_box};
use arbitrary::{Arbitrary, Unstructured};
use proptest::prelude::*;

use crate::faults::{self, Faults};
use crate::test_alloc::TestAlloc;

/// Longest operation sequence drawn.
pub const MAX_OPS: usize = 40;

pub fn config() -> ProptestConfig {
    ProptestConfig { cases: 64, ..ProptestConfig::default() }
}

/// Which of the three box kinds an operation acts on.
#[derive(Clone, Copy, Debug, Arbitrary)]
pub enum Kind {
    Value,
    Slice,
    Str,
}

/// The length of a slice made by a `try_` slice constructor.
#[derive(Clone, Copy, Debug, Arbitrary)]
pub enum SliceLen {
    /// 0 to 7 elements.
    Small(#[arbitrary(with = |u: &mut Unstructured| u.int_in_range(0..=7u8))] u8),
    /// More than `isize::MAX` bytes: a capacity overflow, which never reaches the allocator.
    Overflow,
}

impl SliceLen {
    fn get(self) -> usize {
        match self {
            SliceLen::Small(n) => usize::from(n),
            SliceLen::Overflow => isize::MAX as usize / size_of::<u32>() + 1,
        }
    }
}

/// A short text over `[a-zé€]`, as the proptest strategy draws it.
fn arb_text(u: &mut Unstructured<'_>) -> arbitrary::Result<String> {
    let n = u.int_in_range(0..=6)?;
    (0..n).map(|_| u.choose(&['a', 'b', 'q', 'z', 'é', '€']).copied()).collect()
}

fn arb_items(u: &mut Unstructured<'_>) -> arbitrary::Result<std::vec::Vec<u32>> {
    let n = u.int_in_range(0..=5)?;
    (0..n).map(|_| u.arbitrary()).collect()
}

/// One operation. Indices pick an existing box of the kind modulo their number (ops on a
/// kind with no box do nothing). Drawn by proptest ([`op`]) and decoded by `arbitrary`
/// with the same bounds.
#[derive(Clone, Debug, Arbitrary)]
pub enum Op {
    NewValue(#[arbitrary(with = arb_text)] String),
    NewSlice(#[arbitrary(with = arb_items)] std::vec::Vec<u32>),
    NewStr(#[arbitrary(with = arb_text)] String),
    /// `Box::try_new_in`.
    TryNewValue(#[arbitrary(with = arb_text)] String),
    /// `Box::try_new_uninit_in`, then `Box::write`.
    TryNewUninit(#[arbitrary(with = arb_text)] String),
    /// `Box::try_new_zeroed_in` of a `[u32; 4]`, then unsized to a `Box<[u32]>`.
    TryNewZeroedArray,
    /// `Box::try_new_uninit_slice_in`, each element written as `fill + i`.
    TryNewUninitSlice(SliceLen, u32),
    /// `Box::try_new_zeroed_slice_in`.
    TryNewZeroedSlice(SliceLen),
    Clone(Kind, usize),
    /// Writes through `DerefMut`: appends to the string, sets an element, uppercases.
    Write(Kind, usize, u32),
    IntoInner(usize),
    RawRoundTrip(Kind, usize),
    /// `into_vec`, push, `into_boxed_slice`.
    VecRoundTrip(usize, u32),
    Drop(Kind, usize),
    Compare(Kind, usize, usize),
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![Just(Kind::Value), Just(Kind::Slice), Just(Kind::Str)]
}

fn slice_len() -> impl Strategy<Value = SliceLen> {
    prop_oneof![6 => (0u8..8).prop_map(SliceLen::Small), 1 => Just(SliceLen::Overflow)]
}

pub fn op() -> impl Strategy<Value = Op> {
    let text = "[a-zé€]{0,6}";
    prop_oneof![
        text.prop_map(Op::NewValue),
        prop::collection::vec(any::<u32>(), 0..6).prop_map(Op::NewSlice),
        text.prop_map(Op::NewStr),
        text.prop_map(Op::TryNewValue),
        text.prop_map(Op::TryNewUninit),
        Just(Op::TryNewZeroedArray),
        (slice_len(), any::<u32>()).prop_map(|(n, v)| Op::TryNewUninitSlice(n, v)),
        slice_len().prop_map(Op::TryNewZeroedSlice),
        (kind(), any::<usize>()).prop_map(|(k, i)| Op::Clone(k, i)),
        (kind(), any::<usize>(), any::<u32>()).prop_map(|(k, i, v)| Op::Write(k, i, v)),
        any::<usize>().prop_map(Op::IntoInner),
        (kind(), any::<usize>()).prop_map(|(k, i)| Op::RawRoundTrip(k, i)),
        (any::<usize>(), any::<u32>()).prop_map(|(i, v)| Op::VecRoundTrip(i, v)),
        (kind(), any::<usize>()).prop_map(|(k, i)| Op::Drop(k, i)),
        (kind(), any::<usize>(), any::<usize>()).prop_map(|(k, i, j)| Op::Compare(k, i, j)),
    ]
}

fn hash_of<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut h = DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

/// Pairs of (std's box, ours) for each kind.
struct Model<'f, A: Allocator + Clone> {
    alloc: A,
    faults: Option<Faults<'f>>,
    values: std::vec::Vec<(StdBox<String>, Box<String, A>)>,
    slices: std::vec::Vec<(StdBox<[u32]>, Box<[u32], A>)>,
    strs: std::vec::Vec<(StdBox<str>, Box<str, A>)>,
}

/// The same checks for every pair: contents, formatting, hashing.
fn check_pair<T, A>(std: &StdBox<T>, ours: &Box<T, A>)
where
    T: ?Sized + PartialEq + std::fmt::Debug + Hash,
    A: Allocator,
{
    assert_eq!(**std, **ours);
    assert_eq!(format!("{std:?}"), format!("{ours:?}"));
    assert_eq!(hash_of(std), hash_of(ours));
}

fn compare<T: ?Sized + Ord, A: Allocator>(
    s: (&StdBox<T>, &StdBox<T>),
    o: (&Box<T, A>, &Box<T, A>),
) {
    assert_eq!(s.0 == s.1, o.0 == o.1);
    assert_eq!(s.0.cmp(s.1), o.0.cmp(o.1));
    assert_eq!(s.0.partial_cmp(s.1), o.0.partial_cmp(o.1));
    assert_eq!(s.0 < s.1, o.0 < o.1);
    assert_eq!(s.0 >= s.1, o.0 >= o.1);
}

/// The error a `try_` slice constructor must return for `len` `u32`s, unless refused.
fn slice_error(len: usize) -> Option<TryReserveErrorKind> {
    Layout::array::<u32>(len).is_err().then_some(TryReserveErrorKind::CapacityOverflow)
}

impl<'f, A: Allocator + Clone> Model<'f, A> {
    fn new(alloc: A, faults: Option<Faults<'f>>) -> Self {
        Model { alloc, faults, values: vec![], slices: vec![], strs: vec![] }
    }

    /// A sized `try_` constructor: runs `ours` armed; if it was not refused, it must have
    /// made a box, which is paired with std's `make()`. See [`crate::faults`].
    fn try_value<T, S>(
        &self,
        op: &Op,
        ours: impl FnOnce(A) -> Result<Box<T, A>, AllocError>,
        std: impl FnOnce() -> S,
    ) -> Option<(S, Box<T, A>)>
    where
        T: ?Sized,
    {
        let alloc = self.alloc.clone();
        let (out, refused) = faults::call(self.faults, || ours(alloc));
        let alloc_error = matches!(out, Ok(Err(AllocError)));
        let what = || format!("{op:?}");
        if !faults::judge(self.faults, refused, alloc_error, &what) {
            return None;
        }
        match out {
            Ok(Ok(b)) => Some((std(), b)),
            Ok(Err(AllocError)) => unreachable!("judged above"),
            Err(panic) => panic!("{op:?} panicked: {panic}"),
        }
    }

    /// A slice `try_` constructor of `len` elements: as [`try_value`](Self::try_value),
    /// and a capacity overflow must be reported as one, without a request.
    fn try_slice(
        &self,
        op: &Op,
        len: usize,
        ours: impl FnOnce(A) -> Result<Box<[u32], A>, TryReserveError>,
        std: impl FnOnce() -> StdBox<[u32]>,
    ) -> Option<(StdBox<[u32]>, Box<[u32], A>)> {
        let alloc = self.alloc.clone();
        let (out, refused) = faults::call(self.faults, || ours(alloc));
        let asked = Layout::array::<u32>(len).ok();
        let alloc_error = match &out {
            Ok(Err(e)) => match e.kind() {
                TryReserveErrorKind::AllocError { layout } => Some(layout) == asked,
                _ => false,
            },
            _ => false,
        };
        let what = || format!("{op:?}");
        if !faults::judge(self.faults, refused, alloc_error, &what) {
            return None;
        }
        match out {
            Ok(Ok(b)) => {
                assert_eq!(slice_error(len), None, "{op:?} succeeded");
                Some((std(), b))
            }
            Ok(Err(e)) => {
                assert_eq!(Some(e.kind()), slice_error(len), "{op:?} failed");
                None
            }
            Err(panic) => panic!("{op:?} panicked: {panic}"),
        }
    }

    fn len(&self, k: Kind) -> usize {
        match k {
            Kind::Value => self.values.len(),
            Kind::Slice => self.slices.len(),
            Kind::Str => self.strs.len(),
        }
    }

    /// Maps a drawn index onto an existing box of kind `k`, if there is one.
    fn pick(&self, k: Kind, i: usize) -> Option<usize> {
        let n = self.len(k);
        (n > 0).then(|| i % n)
    }

    fn boxed_slice(&self, items: &[u32]) -> Box<[u32], A> {
        let mut v = Vec::new_in(self.alloc.clone());
        v.extend_from_slice(items);
        v.into_boxed_slice()
    }

    fn boxed_str(&self, s: &str) -> Box<str, A> {
        let mut v = Vec::new_in(self.alloc.clone());
        v.extend_from_slice(s.as_bytes());
        // SAFETY: the bytes come from a `str`.
        unsafe { Box::from_boxed_utf8_unchecked(v.into_boxed_slice()) }
    }

    fn apply(&mut self, op: &Op) {
        match op {
            Op::NewValue(s) => self
                .values
                .push((StdBox::new(s.clone()), Box::new_in(s.clone(), self.alloc.clone()))),
            Op::NewSlice(items) => {
                let ours = self.boxed_slice(items);
                self.slices.push((items.clone().into_boxed_slice(), ours));
            }
            Op::NewStr(s) => {
                let ours = self.boxed_str(s);
                self.strs.push((s.clone().into_boxed_str(), ours));
            }
            Op::TryNewValue(s) => {
                let pair = self.try_value(
                    op,
                    |a| Box::try_new_in(s.clone(), a),
                    || StdBox::new(s.clone()),
                );
                self.values.extend(pair);
            }
            Op::TryNewUninit(s) => {
                let pair = self.try_value(
                    op,
                    |a| Box::<String, A>::try_new_uninit_in(a).map(|b| Box::write(b, s.clone())),
                    || StdBox::new(s.clone()),
                );
                self.values.extend(pair);
            }
            Op::TryNewZeroedArray => {
                let pair = self.try_value(
                    op,
                    |a| {
                        Box::<[u32; 4], A>::try_new_zeroed_in(a).map(|b| {
                            // SAFETY: all-zero bytes are a valid `[u32; 4]`.
                            let b = unsafe { b.assume_init() };
                            unsize_box!(b => [u32])
                        })
                    },
                    || StdBox::<[u32]>::from([0; 4]),
                );
                self.slices.extend(pair);
            }
            &Op::TryNewUninitSlice(n, fill) => {
                let len = n.get();
                let pair = self.try_slice(
                    op,
                    len,
                    |a| {
                        Box::<[u32], A>::try_new_uninit_slice_in(len, a).map(|mut b| {
                            for (i, slot) in b.iter_mut().enumerate() {
                                slot.write(fill.wrapping_add(i as u32));
                            }
                            // SAFETY: every element was just written.
                            unsafe { b.assume_init() }
                        })
                    },
                    || (0..len).map(|i| fill.wrapping_add(i as u32)).collect(),
                );
                self.slices.extend(pair);
            }
            &Op::TryNewZeroedSlice(n) => {
                let len = n.get();
                let pair = self.try_slice(
                    op,
                    len,
                    |a| {
                        Box::<[u32], A>::try_new_zeroed_slice_in(len, a).map(|b| {
                            // SAFETY: all-zero bytes are valid `u32`s.
                            unsafe { b.assume_init() }
                        })
                    },
                    || vec![0; len].into_boxed_slice(),
                );
                self.slices.extend(pair);
            }
            &Op::Clone(k, i) => {
                let Some(i) = self.pick(k, i) else { return };
                match k {
                    Kind::Value => {
                        let (s, o) = &self.values[i];
                        let pair = (s.clone(), o.clone());
                        self.values.push(pair);
                    }
                    Kind::Slice => {
                        let (s, o) = &self.slices[i];
                        let pair = (s.clone(), o.clone());
                        self.slices.push(pair);
                    }
                    Kind::Str => {
                        let (s, o) = &self.strs[i];
                        let pair = (s.clone(), o.clone());
                        self.strs.push(pair);
                    }
                }
            }
            &Op::Write(k, i, v) => {
                let Some(i) = self.pick(k, i) else { return };
                match k {
                    Kind::Value => {
                        let (s, o) = &mut self.values[i];
                        let c = char::from(b'a' + (v % 26) as u8);
                        s.push(c);
                        o.push(c);
                    }
                    Kind::Slice => {
                        let (s, o) = &mut self.slices[i];
                        if !s.is_empty() {
                            let at = v as usize % s.len();
                            s[at] = v;
                            o[at] = v;
                        }
                    }
                    Kind::Str => {
                        let (s, o) = &mut self.strs[i];
                        s.make_ascii_uppercase();
                        o.make_ascii_uppercase();
                    }
                }
            }
            &Op::IntoInner(i) => {
                let Some(i) = self.pick(Kind::Value, i) else { return };
                let (s, o) = self.values.swap_remove(i);
                assert_eq!(*s, Box::into_inner(o));
            }
            &Op::RawRoundTrip(k, i) => {
                let Some(i) = self.pick(k, i) else { return };
                match k {
                    Kind::Value => {
                        let (s, o) = self.values.swap_remove(i);
                        let (raw, a) = Box::into_raw_with_allocator(o);
                        // SAFETY: the parts come from `into_raw_with_allocator`.
                        let o = unsafe { Box::from_raw_in(raw, a) };
                        // SAFETY: the pointer comes from std's `into_raw`.
                        let s = unsafe { StdBox::from_raw(StdBox::into_raw(s)) };
                        self.values.push((s, o));
                    }
                    Kind::Slice => {
                        let (s, o) = self.slices.swap_remove(i);
                        let (raw, a) = Box::into_non_null_with_allocator(o);
                        // SAFETY: the parts come from `into_non_null_with_allocator`.
                        let o = unsafe { Box::from_non_null_in(raw, a) };
                        self.slices.push((s, o));
                    }
                    Kind::Str => {
                        let (s, o) = self.strs.swap_remove(i);
                        let (raw, a) = Box::into_raw_with_allocator(o);
                        // SAFETY: the parts come from `into_raw_with_allocator`.
                        let o = unsafe { Box::from_raw_in(raw, a) };
                        self.strs.push((s, o));
                    }
                }
            }
            &Op::VecRoundTrip(i, v) => {
                let Some(i) = self.pick(Kind::Slice, i) else { return };
                let (s, o) = self.slices.swap_remove(i);
                let (mut sv, mut ov) = (s.into_vec(), o.into_vec());
                assert_eq!(ov.capacity(), ov.len());
                sv.push(v);
                ov.push(v);
                self.slices.push((sv.into_boxed_slice(), ov.into_boxed_slice()));
            }
            &Op::Drop(k, i) => {
                let Some(i) = self.pick(k, i) else { return };
                match k {
                    Kind::Value => drop(self.values.swap_remove(i)),
                    Kind::Slice => drop(self.slices.swap_remove(i)),
                    Kind::Str => drop(self.strs.swap_remove(i)),
                }
            }
            &Op::Compare(k, i, j) => {
                let (Some(i), Some(j)) = (self.pick(k, i), self.pick(k, j)) else { return };
                match k {
                    Kind::Value => {
                        let (a, b) = (&self.values[i], &self.values[j]);
                        compare((&a.0, &b.0), (&a.1, &b.1));
                    }
                    Kind::Slice => {
                        let (a, b) = (&self.slices[i], &self.slices[j]);
                        compare((&a.0, &b.0), (&a.1, &b.1));
                    }
                    Kind::Str => {
                        let (a, b) = (&self.strs[i], &self.strs[j]);
                        compare((&a.0, &b.0), (&a.1, &b.1));
                    }
                }
            }
        }
    }

    /// Compares every pair; with `live`, checks each box's block and the total.
    ///
    /// Without `full`, only the contents are compared, not the formatting and hashing
    /// (which cost most of a fuzz run's time and depend on nothing but the contents).
    fn check(&self, live: Option<&TestAlloc>, full: bool) {
        if full {
            for (s, o) in &self.values {
                check_pair(s, o);
                assert_eq!(format!("{s}"), format!("{o}"));
            }
            for (s, o) in &self.slices {
                check_pair(s, o);
            }
            for (s, o) in &self.strs {
                check_pair(s, o);
                assert_eq!(format!("{s}"), format!("{o}"));
            }
        } else {
            assert!(self.values.iter().all(|(s, o)| **s == **o), "a Box<String> differs");
            assert!(self.slices.iter().all(|(s, o)| **s == **o), "a Box<[u32]> differs");
            assert!(self.strs.iter().all(|(s, o)| **s == **o), "a Box<str> differs");
        }
        let Some(alloc) = live else { return };
        let mut total = 0;
        let mut owns = |ptr: *const u8, layout: Layout| {
            if layout.size() == 0 {
                assert_eq!(alloc.layout_of(ptr), None);
            } else {
                assert_eq!(alloc.layout_of(ptr), Some(layout), "a box's block is not live");
                total += layout.size();
            }
        };
        for (_, o) in &self.values {
            owns(Box::as_ptr(o).cast(), Layout::for_value::<String>(o));
        }
        for (_, o) in &self.slices {
            owns(Box::as_ptr(o).cast(), Layout::for_value::<[u32]>(o));
        }
        for (_, o) in &self.strs {
            owns(Box::as_ptr(o).cast(), Layout::for_value::<str>(o));
        }
        assert_eq!(alloc.live_bytes(), total, "the boxes' blocks are not all that is live");
    }
}

/// An operation sequence, for the suites that run this model over other allocators.
pub fn ops() -> impl Strategy<Value = std::vec::Vec<Op>> {
    prop::collection::vec(op(), 0..MAX_OPS)
}

/// Runs `ops` over `alloc`, comparing every pair after each step, then calling
/// `after_step` (which may check or use the allocator between steps).
pub fn run_in<A: Allocator + Clone>(alloc: A, ops: &[Op], after_step: &dyn Fn()) {
    let mut m = Model::new(alloc, None);
    for op in ops {
        m.apply(op);
        m.check(None, true);
        after_step();
    }
}

/// [`run_in`] for the fuzz target, with the `try_` constructors armed under `faults` (see
/// [`crate::faults`]); with `live`, the `TestAlloc` the boxes are allocated in directly,
/// every live box's block is checked after each step too. The pairs' contents are
/// compared after each step, their formatting and hashing at the end only. Returns how
/// many ops ran.
pub fn run_with_faults<A: Allocator + Clone>(
    alloc: A,
    ops: &[Op],
    faults: Option<Faults<'_>>,
    live: Option<&TestAlloc>,
    after_step: &dyn Fn(),
) -> usize {
    let mut m = Model::new(alloc, faults);
    for op in ops {
        m.apply(op);
        m.check(live, false);
        after_step();
    }
    m.check(live, true);
    ops.len()
}

/// The most ops [`arbitrary_ops`] decodes.
pub const MAX_DECODED_OPS: usize = 64;

/// Ops decoded by `arbitrary` until the input ends, [`MAX_DECODED_OPS`] at most.
pub fn arbitrary_ops(u: &mut Unstructured<'_>) -> arbitrary::Result<std::vec::Vec<Op>> {
    let mut ops = std::vec::Vec::new();
    while ops.len() < MAX_DECODED_OPS && !u.is_empty() {
        ops.push(u.arbitrary()?);
    }
    Ok(ops)
}

pub fn run_global(ops: &[Op]) {
    run_in(Global, ops, &|| {});
}

pub fn run_test_alloc(alloc: &TestAlloc, ops: &[Op]) {
    {
        let mut m = Model::new(alloc, None);
        for op in ops {
            m.apply(op);
            m.check(Some(alloc), true);
        }
    }
    alloc.assert_no_leaks();
    assert_eq!(alloc.stats().zero_sized, 0, "a zero-sized request reached the allocator");
}
