//! Random operation sequences on our `Box` and std's `Box`, compared after every step:
//! `Box<String>`, `Box<[u32]>` and `Box<str>`, over `Global` and over a layout-checking
//! `&TestAlloc` (for which every live box's block is also checked, and nothing may be left
//! at the end).

// Boxes of strings and references to boxes are the point here: they are what is compared.
#![allow(clippy::box_collection, clippy::borrowed_box, clippy::type_complexity)]

use std::boxed::Box as StdBox;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use allockit::alloc::{Allocator, Global, Layout};
use allockit::{Box, Vec};
use proptest::prelude::*;

use crate::test_alloc::TestAlloc;

/// Longest operation sequence drawn.
pub const MAX_OPS: usize = 40;

pub fn config() -> ProptestConfig {
    ProptestConfig { cases: 64, ..ProptestConfig::default() }
}

/// Which of the three box kinds an operation acts on.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    Value,
    Slice,
    Str,
}

#[derive(Clone, Debug)]
pub enum Op {
    NewValue(String),
    NewSlice(std::vec::Vec<u32>),
    NewStr(String),
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

pub fn op() -> impl Strategy<Value = Op> {
    let text = "[a-zé€]{0,6}";
    prop_oneof![
        text.prop_map(Op::NewValue),
        prop::collection::vec(any::<u32>(), 0..6).prop_map(Op::NewSlice),
        text.prop_map(Op::NewStr),
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
struct Model<A: Allocator + Clone> {
    alloc: A,
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

impl<A: Allocator + Clone> Model<A> {
    fn new(alloc: A) -> Self {
        Model { alloc, values: vec![], slices: vec![], strs: vec![] }
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
    fn check(&self, live: Option<&TestAlloc>) {
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
    let mut m = Model::new(alloc);
    for op in ops {
        m.apply(op);
        m.check(None);
        after_step();
    }
}

pub fn run_global(ops: &[Op]) {
    run_in(Global, ops, &|| {});
}

pub fn run_test_alloc(alloc: &TestAlloc, ops: &[Op]) {
    {
        let mut m = Model::new(alloc);
        for op in ops {
            m.apply(op);
            m.check(Some(alloc));
        }
    }
    alloc.assert_no_leaks();
    assert_eq!(alloc.stats().zero_sized, 0, "a zero-sized request reached the allocator");
}
