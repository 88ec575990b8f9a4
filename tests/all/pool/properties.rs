//! Allocator-level property tests of `&Pool`, used through the `Allocator` trait.
//!
//! [`random_sequences`] draws a pool (block size and alignment, maybe a first slab of a
//! chosen size) and a sequence of allocate / allocate_zeroed / grow / grow_zeroed /
//! shrink (also to other alignments) / deallocate of random layouts, mostly fitting the
//! block, some bigger or more aligned (those go to the parent), with
//! `release_empty_slabs`, allocation limits and parent failure plans interleaved. A model
//! keeps every live block, filled with a pattern of its own, and the pool's free list.
//!
//! Each step checks what the pool promises about it:
//!
//! - a request that fits the block gets the block freed last (LIFO), or else the next
//!   uncarved block of the newest slab, in address order, or else the first block of a
//!   new slab; only the last takes anything from the parent;
//! - any other request is the parent's, with exactly the requested length;
//! - grow and shrink keep a pooled block in place while the new layout fits the block,
//!   and move it to the other side (keeping its prefix) when it does not;
//! - the zeroing methods zero every byte they hand back that the caller did not own;
//! - a refused request changes nothing, and happens only when a slab or a forwarded block
//!   was needed and the parent refused it or the limit forbade it;
//! - `release_empty_slabs` gives back exactly the bytes it reports, keeps every slab that
//!   has a live block, and keeps the other free blocks in their order.
//!
//! After every step: `check_invariants()` passes; no two live blocks overlap (a pooled
//! block counts as its whole block) and no live block is on the free list; every block is
//! aligned and keeps its pattern; `stats()` agrees with the model (live pooled blocks,
//! forwarded bytes) and with the counting parent (slabs and forwarded blocks are all it
//! has live), within the allocation limit. At the end, dropping the pool (with or without
//! live pooled blocks) gives everything back.
//!
//! [`release_between_phases`] allocates and frees in bulk, across many slabs, with
//! `release_empty_slabs` between the phases.

use std::ptr::NonNull;

use allockit::Pool;
use allockit::alloc::{Allocator, Layout};
use allockit::pool::PoolStats;
use proptest::collection::vec as pvec;
use proptest::prelude::*;

use super::{TestPool, assert_accounted, assert_pattern, assert_zero, fill};
use crate::common::test_alloc::{FailPlan, Stats, TestAlloc};

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig { cases, ..ProptestConfig::default() }
}

// ---------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------

/// The pool under test.
#[derive(Clone, Copy, Debug)]
struct Spec {
    size: usize,
    align_log: u8,
    /// `with_capacity_in` with this many blocks, or `new_in`.
    capacity: Option<usize>,
}

impl Spec {
    fn layout(self) -> Layout {
        Layout::from_size_align(self.size, 1 << self.align_log).unwrap()
    }
}

/// A request size, relative to the block size.
#[derive(Clone, Copy, Debug)]
enum Size {
    /// `n / 32` of the block size, `n <= 32`: fits.
    Part(u8),
    /// Exactly the block size.
    Block,
    /// One byte more than the block.
    JustOver,
    /// `n / 32` of the block size, `n > 32`: usually too big.
    Over(u8),
}

impl Size {
    fn bytes(self, block: usize) -> usize {
        match self {
            Size::Part(n) | Size::Over(n) => block * usize::from(n) / 32,
            Size::Block => block,
            Size::JustOver => block + 1,
        }
    }
}

/// A request alignment, relative to the block's.
#[derive(Clone, Copy, Debug)]
enum Align {
    /// `1 << n` (`n <= 3`), at most the block's alignment: fits.
    Small(u8),
    /// The block's alignment.
    Block,
    /// The block's alignment times `1 << n` (`n >= 1`): goes to the parent.
    Over(u8),
}

impl Align {
    fn bytes(self, block: usize) -> usize {
        match self {
            Align::Small(n) => (1 << n).min(block),
            Align::Block => block,
            Align::Over(n) => block << n,
        }
    }
}

#[derive(Clone, Debug)]
enum Op {
    Alloc {
        size: Size,
        align: Align,
        zeroed: bool,
    },
    /// Frees a live block (`pick` modulo their number) with a size between the one asked
    /// for and the length handed out (chosen by `slack`).
    Free {
        pick: usize,
        slack: usize,
    },
    /// Grows by `by`, to another alignment if `align` is set.
    Grow {
        pick: usize,
        slack: usize,
        by: Size,
        align: Option<Align>,
        zeroed: bool,
    },
    /// Shrinks to `keep_permille / 1000` of the size, to another alignment if set.
    Shrink {
        pick: usize,
        slack: usize,
        keep_permille: usize,
        align: Option<Align>,
    },
    Release,
    /// `None` lifts the limit; `Some(h)` sets it `h` bytes above what the pool has taken.
    Limit(Option<usize>),
    ParentPlan(FailPlan),
    /// `n` fitting allocations of random sizes (bulk phases only).
    AllocMany(usize),
    /// Frees the live blocks at the positions `i` with `i % step == offset`.
    FreeEvery {
        step: usize,
        offset: usize,
    },
}

fn spec() -> impl Strategy<Value = Spec> {
    let size = prop_oneof![8 => 1usize..=96, 2 => 97usize..=1100];
    let align_log = prop_oneof![8 => 0u8..=4, 2 => 5u8..=7, 1 => Just(12u8)];
    let capacity = prop::option::weighted(0.3, 0usize..40);
    (size, align_log, capacity).prop_map(|(size, align_log, capacity)| Spec {
        size,
        align_log,
        capacity,
    })
}

fn size() -> impl Strategy<Value = Size> {
    prop_oneof![
        12 => (0u8..=32).prop_map(Size::Part),
        3 => Just(Size::Block),
        2 => Just(Size::JustOver),
        3 => (33u8..=128).prop_map(Size::Over),
    ]
}

fn align() -> impl Strategy<Value = Align> {
    prop_oneof![
        8 => (0u8..=3).prop_map(Align::Small),
        3 => Just(Align::Block),
        2 => (1u8..=2).prop_map(Align::Over),
    ]
}

fn plan() -> impl Strategy<Value = FailPlan> {
    prop_oneof![
        2 => Just(FailPlan::Never),
        1 => (1u64..4).prop_map(FailPlan::Nth),
        1 => (0u64..3).prop_map(FailPlan::AllAfter),
    ]
}

fn new_align() -> impl Strategy<Value = Option<Align>> {
    prop::option::weighted(0.3, align())
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        10 => (size(), align(), any::<bool>())
            .prop_map(|(size, align, zeroed)| Op::Alloc { size, align, zeroed }),
        7 => (any::<usize>(), any::<usize>())
            .prop_map(|(pick, slack)| Op::Free { pick, slack }),
        4 => (any::<usize>(), any::<usize>(), size(), new_align(), any::<bool>()).prop_map(
            |(pick, slack, by, align, zeroed)| Op::Grow { pick, slack, by, align, zeroed }
        ),
        3 => (any::<usize>(), any::<usize>(), 0usize..=1000, new_align()).prop_map(
            |(pick, slack, keep_permille, align)| Op::Shrink { pick, slack, keep_permille, align }
        ),
        1 => Just(Op::Release),
        1 => prop::option::of(0usize..6_000).prop_map(Op::Limit),
        1 => plan().prop_map(Op::ParentPlan),
    ]
}

/// The phases of [`release_between_phases`].
fn phase() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (1usize..200).prop_map(Op::AllocMany),
        3 => (1usize..6).prop_flat_map(|step| (Just(step), 0..step))
            .prop_map(|(step, offset)| Op::FreeEvery { step, offset }),
        2 => Just(Op::Release),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(pick, slack)| Op::Free { pick, slack }),
    ]
}

// ---------------------------------------------------------------------------------------
// The model
// ---------------------------------------------------------------------------------------

/// A live block as the model knows it.
#[derive(Clone, Copy, Debug)]
struct Live {
    tag: u64,
    ptr: NonNull<u8>,
    /// The layout last asked for.
    layout: Layout,
    /// The length handed out (all of it holds the pattern).
    len: usize,
    /// A pool block (rather than the parent's).
    pooled: bool,
}

/// Where the pool must take a block that fits from.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Take {
    /// The head of the free list: the block freed last.
    Reuse(NonNull<u8>),
    /// The next uncarved block of the newest slab, at this address if the model knows it.
    Carve(Option<usize>),
    /// A new slab.
    NewSlab,
}

struct Model<'p> {
    pool: &'p TestPool<'p>,
    parent: &'p TestAlloc,
    block: Layout,
    live: Vec<Live>,
    /// The pool's free list, head last.
    free: Vec<NonNull<u8>>,
    /// The address of the next uncarved block, when known.
    carve: Option<usize>,
    limit: Option<usize>,
    next_tag: u64,
    /// The bytes of a slab of one block.
    min_slab: usize,
}

fn addr(ptr: NonNull<u8>) -> usize {
    ptr.as_ptr() as usize
}

impl<'p> Model<'p> {
    fn new(pool: &'p TestPool<'p>, parent: &'p TestAlloc) -> Self {
        Model {
            pool,
            parent,
            block: pool.block_layout(),
            live: Vec::new(),
            free: Vec::new(),
            carve: None,
            limit: None,
            next_tag: 1,
            min_slab: Pool::with_capacity(pool.block_layout(), 1).stats().reserved,
        }
    }

    fn bs(&self) -> usize {
        self.block.size()
    }

    fn fits(&self, layout: Layout) -> bool {
        layout.size() <= self.block.size() && layout.align() <= self.block.align()
    }

    /// Where the next block that fits must come from.
    fn expect_take(&self, before: &PoolStats) -> Take {
        if let Some(&head) = self.free.last() {
            Take::Reuse(head)
        } else if before.capacity - before.live_blocks > 0 {
            Take::Carve(self.carve)
        } else {
            Take::NewSlab
        }
    }

    /// Records that the pool handed out the fitting block `ptr`, expected to come from
    /// `take`.
    #[track_caller]
    fn took(&mut self, take: Take, ptr: NonNull<u8>, before: &PoolStats, parent: &Stats) {
        match take {
            Take::Reuse(head) => {
                assert_eq!(ptr, head, "not the block freed last");
                self.free.pop();
            }
            Take::Carve(expected) => {
                if let Some(expected) = expected {
                    assert_eq!(addr(ptr), expected, "not the next uncarved block");
                }
                self.carve = Some(addr(ptr) + self.bs());
            }
            Take::NewSlab => {
                let now = self.pool.stats();
                assert_eq!(now.slabs, before.slabs + 1, "no new slab: {now:?}");
                assert!(now.capacity > before.capacity, "{now:?}");
                assert_eq!(self.parent.stats().allocate, parent.allocate + 1);
                self.carve = Some(addr(ptr) + self.bs());
            }
        }
        if take != Take::NewSlab {
            assert_eq!(self.pool.stats().slabs, before.slabs, "a slab taken with blocks left");
        }
        assert!(self.pool.owns(ptr.as_ptr()), "a pooled block the pool does not own");
        assert_eq!(addr(ptr) % self.block.align(), 0, "misaligned pool block");
    }

    /// Checks a block the parent serves: exactly `layout`, live in the parent.
    #[track_caller]
    fn forwarded(&self, ptr: NonNull<u8>, len: usize, layout: Layout) {
        assert_eq!(len, layout.size(), "a forwarded block of another length");
        if layout.size() != 0 {
            assert_eq!(self.parent.layout_of(ptr.as_ptr()), Some(layout), "not the parent's");
            assert!(!self.pool.owns(ptr.as_ptr()), "a forwarded block inside a slab");
        }
    }

    /// The bytes the pool may still take under its limit.
    fn budget(&self, s: &PoolStats) -> Option<usize> {
        self.limit.map(|limit| limit.saturating_sub(s.reserved + s.forwarded))
    }

    /// Checks a refused request: nothing changed, and it was refused for a reason: the
    /// parent refused it, or the limit forbade it (`needs` forwarded bytes, or, with
    /// `take`, a slab), without asking the parent.
    #[track_caller]
    fn refused(&self, take: Option<Take>, needs: usize, before: &PoolStats, parent: &Stats) {
        assert_eq!(self.pool.stats(), *before, "a refused request changed the pool");
        let now = self.parent.stats();
        assert_eq!(now.live_bytes, parent.live_bytes, "a refused request changed the parent");
        if let Some(take) = take {
            assert_eq!(take, Take::NewSlab, "refused although a block was at hand");
        }
        if now.failed == parent.failed {
            let budget = self.budget(before).expect("refused with no limit and no parent refusal");
            assert_eq!(now.requests(), parent.requests(), "the limit let the parent be asked");
            if take.is_none() {
                assert!(needs > budget, "refused {needs} bytes with {budget} left under the limit");
            } else {
                assert!(budget < self.min_slab, "no slab with {budget} bytes left");
            }
        } else {
            assert_eq!(now.failed, parent.failed + 1);
        }
    }

    fn tag(&mut self) -> u64 {
        self.next_tag += 1;
        self.next_tag
    }

    /// `pick` as an index of a live block, if any.
    fn pick(&self, pick: usize) -> Option<usize> {
        (!self.live.is_empty()).then(|| pick % self.live.len())
    }

    /// The layout a live block may be freed or resized with: its alignment, and a size
    /// between the one asked for and the length handed out.
    fn fitting(&self, b: &Live, slack: usize) -> Layout {
        let size = b.layout.size() + slack % (b.len - b.layout.size() + 1);
        Layout::from_size_align(size, b.layout.align()).unwrap()
    }

    fn alloc(&mut self, layout: Layout, zeroed: bool) {
        let (pool, fits) = (self.pool, self.fits(layout));
        let (before, parent) = (pool.stats(), self.parent.stats());
        let take = fits.then(|| self.expect_take(&before));
        let r = if zeroed { pool.allocate_zeroed(layout) } else { pool.allocate(layout) };
        let Ok(block) = r else {
            return self.refused(take, layout.size(), &before, &parent);
        };
        let (ptr, len) = (block.cast::<u8>(), block.len());
        assert_eq!(addr(ptr) % layout.align(), 0, "misaligned for {layout:?}");
        if let Some(take) = take {
            self.took(take, ptr, &before, &parent);
            let expected = if zeroed { layout.size() } else { self.bs() };
            assert_eq!(len, expected, "a pooled block of the wrong length");
            assert_eq!(pool.stats().forwarded, before.forwarded);
        } else {
            self.forwarded(ptr, len, layout);
            assert_eq!(pool.stats().forwarded, before.forwarded + layout.size());
            assert_eq!(pool.stats().slabs, before.slabs);
        }
        if zeroed {
            // SAFETY: `len` bytes just handed out, initialised (zeroed) by the pool.
            unsafe { assert_zero(ptr, 0, len) };
        }
        let tag = self.tag();
        // SAFETY: `len` bytes just handed out to us.
        unsafe { fill(ptr, tag, 0, len) };
        self.live.push(Live { tag, ptr, layout, len, pooled: fits });
    }

    fn free(&mut self, i: usize, slack: usize) {
        let b = self.live.swap_remove(i);
        let layout = self.fitting(&b, slack);
        let (before, parent) = (self.pool.stats(), self.parent.stats());
        // SAFETY: a live block of the pool, freed with a layout that fits it.
        unsafe { self.pool.deallocate(b.ptr, layout) };
        let after = self.pool.stats();
        if b.pooled {
            assert_eq!(after.live_blocks, before.live_blocks - 1);
            assert_eq!(self.parent.stats().deallocate, parent.deallocate, "the parent saw it");
            self.free.push(b.ptr);
        } else {
            assert_eq!(after.forwarded, before.forwarded - layout.size());
            assert_eq!(self.parent.stats().deallocate, parent.deallocate + 1);
        }
        assert_eq!(after.slabs, before.slabs, "freeing a block gave a slab back");
    }

    /// Grows (`grow`, zeroing with `zeroed`) or shrinks live block `i`, from a layout
    /// that fits it (chosen by `slack`) to one of `new_size` bytes aligned to `new_align`.
    fn resize(&mut self, i: usize, slack: usize, new: (usize, usize), grow: bool, zeroed: bool) {
        let (new_size, new_align) = new;
        let b = self.live[i];
        let old = self.fitting(&b, slack);
        let mut new = Layout::from_size_align(new_size, new_align).unwrap();
        if !self.fits(old) && !self.fits(new) {
            // `TestAlloc` insists that a block keeps its alignment (the collections never
            // change it); the pool passes these resizes to the parent as they are.
            new = Layout::from_size_align(new_size, old.align()).unwrap();
        }
        let route = (self.fits(old), self.fits(new));
        let pool = self.pool;
        let (before, parent) = (pool.stats(), self.parent.stats());
        let take = (route == (false, true)).then(|| self.expect_take(&before));
        // SAFETY: `b` is a live block of the pool and `old` fits it; `new` is larger for
        // a grow and no larger for a shrink.
        let r = unsafe {
            match (grow, zeroed) {
                (true, true) => pool.grow_zeroed(b.ptr, old, new),
                (true, false) => pool.grow(b.ptr, old, new),
                (false, _) => pool.shrink(b.ptr, old, new),
            }
        };
        let Ok(block) = r else {
            assert_ne!(route, (true, true), "a resize within the block failed");
            let needs = match route {
                (false, false) => new.size().saturating_sub(old.size()),
                _ => new.size(),
            };
            return self.refused(take, needs, &before, &parent);
        };
        let (ptr, len) = (block.cast::<u8>(), block.len());
        assert_eq!(addr(ptr) % new.align(), 0, "misaligned for {new:?}");
        let after = pool.stats();
        match route {
            (true, true) => {
                assert_eq!((ptr, len), (b.ptr, self.bs()), "a block moved within the pool");
                assert_eq!(after, before);
                assert_eq!(self.parent.stats().calls(), parent.calls(), "the parent saw it");
            }
            (false, false) => {
                self.forwarded(ptr, len, new);
                assert_eq!(after.forwarded, before.forwarded - old.size() + new.size());
            }
            (true, false) => {
                self.forwarded(ptr, len, new);
                assert_eq!(after.forwarded, before.forwarded + new.size());
                assert_eq!(after.live_blocks, before.live_blocks - 1);
                self.free.push(b.ptr);
            }
            (false, true) => {
                self.took(take.unwrap(), ptr, &before, &parent);
                let expected = if zeroed { new.size() } else { self.bs() };
                assert_eq!(len, expected, "a pooled block of the wrong length");
                assert_eq!(after.forwarded, before.forwarded - old.size());
                assert_eq!(after.live_blocks, before.live_blocks + 1);
            }
        }
        let kept = old.size().min(new.size());
        // SAFETY: the resized block is ours, `len >= kept` bytes, its prefix kept.
        unsafe { assert_pattern(ptr, b.tag, kept) };
        if zeroed {
            // SAFETY: as above; `grow_zeroed` zeroed the rest.
            unsafe { assert_zero(ptr, kept, len) };
        }
        // SAFETY: as above.
        unsafe { fill(ptr, b.tag, kept, len) };
        self.live[i] = Live { ptr, layout: new, len, pooled: route.1, ..b };
    }

    fn release(&mut self) {
        let (before, parent) = (self.pool.stats(), self.parent.stats());
        let released = self.pool.release_empty_slabs();
        let after = self.pool.stats();
        assert_eq!(after.reserved, before.reserved - released, "released {released}");
        assert_eq!(self.parent.live_bytes(), parent.live_bytes - released);
        assert_eq!(after.live_blocks, before.live_blocks);
        assert_eq!(after.forwarded, before.forwarded);
        assert_eq!(released == 0, after.slabs == before.slabs, "{before:?} {after:?}");
        let pooled = self.live.iter().filter(|b| b.pooled).count();
        assert!(after.slabs <= pooled, "a slab with no live block kept: {after:?}");
        // The free blocks of the slabs that stay keep their order.
        self.free.retain(|&f| self.pool.owns(f.as_ptr()));
    }

    fn apply(&mut self, op: &Op) {
        let (bs, ba) = (self.bs(), self.block.align());
        match *op {
            Op::Alloc { size, align, zeroed } => {
                let layout = Layout::from_size_align(size.bytes(bs), align.bytes(ba)).unwrap();
                self.alloc(layout, zeroed);
            }
            Op::Free { pick, slack } => {
                if let Some(i) = self.pick(pick) {
                    self.free(i, slack);
                }
            }
            Op::Grow { pick, slack, by, align, zeroed } => {
                if let Some(i) = self.pick(pick) {
                    let old = self.fitting(&self.live[i], slack).size();
                    let align = align.map_or(self.live[i].layout.align(), |a| a.bytes(ba));
                    self.resize(i, slack, (old + by.bytes(bs), align), true, zeroed);
                }
            }
            Op::Shrink { pick, slack, keep_permille, align } => {
                if let Some(i) = self.pick(pick) {
                    let old = self.fitting(&self.live[i], slack).size();
                    let align = align.map_or(self.live[i].layout.align(), |a| a.bytes(ba));
                    self.resize(i, slack, (old * keep_permille / 1000, align), false, false);
                }
            }
            Op::Release => self.release(),
            Op::Limit(headroom) => {
                let s = self.pool.stats();
                self.limit = headroom.map(|h| s.reserved + s.forwarded + h);
                self.pool.set_allocation_limit(self.limit);
                assert_eq!(self.pool.allocation_limit(), self.limit);
            }
            Op::ParentPlan(plan) => self.parent.set_plan(plan),
            Op::AllocMany(n) => {
                for k in 0..n {
                    let size = bs * (k * 7 % 33) / 32;
                    self.alloc(Layout::from_size_align(size, 1 << (k % 4)).unwrap(), k % 5 == 0);
                }
            }
            Op::FreeEvery { step, offset } => {
                for i in (0..self.live.len()).rev().filter(|i| i % step == offset) {
                    self.free(i, i);
                }
            }
        }
    }

    /// Everything that must hold between steps.
    fn check(&self) {
        let (pool, bs) = (self.pool, self.bs());
        assert_accounted(pool, self.parent);
        let s = pool.stats();
        let pooled = self.live.iter().filter(|b| b.pooled).count();
        let forwarded: Vec<&Live> = self.live.iter().filter(|b| !b.pooled).collect();
        assert_eq!(s.block_size, bs);
        assert_eq!(s.live_blocks, pooled, "{s:?}");
        assert_eq!(s.forwarded, forwarded.iter().map(|b| b.layout.size()).sum::<usize>());
        assert!(s.free_blocks >= self.free.len(), "{s:?} with {} freed", self.free.len());
        let parent_blocks = forwarded.iter().filter(|b| b.layout.size() != 0).count();
        assert_eq!(self.parent.stats().live_blocks, s.slabs + parent_blocks, "{s:?}");
        if let Some(limit) = self.limit {
            assert!(s.reserved + s.forwarded <= limit, "over the limit {limit}: {s:?}");
        }

        let mut spans = Vec::new();
        for b in &self.live {
            assert_eq!(addr(b.ptr) % b.layout.align(), 0, "misaligned {b:?}");
            assert!(b.len >= b.layout.size(), "{b:?}");
            if b.pooled {
                assert!(pool.owns(b.ptr.as_ptr()), "a pooled block the pool lost: {b:?}");
                spans.push((addr(b.ptr), addr(b.ptr) + bs));
            } else if b.len != 0 {
                spans.push((addr(b.ptr), addr(b.ptr) + b.len));
            }
            // SAFETY: a live block of `len` bytes, all written with its pattern.
            unsafe { assert_pattern(b.ptr, b.tag, b.len) };
        }
        for &f in &self.free {
            assert!(pool.owns(f.as_ptr()), "a free block the pool does not own: {f:?}");
            spans.push((addr(f), addr(f) + bs));
        }
        spans.sort_unstable();
        for pair in spans.windows(2) {
            assert!(pair[0].1 <= pair[1].0, "blocks {:#x?} and {:#x?} overlap", pair[0], pair[1]);
        }
    }

    /// Frees the forwarded blocks (and, with `all`, the pooled ones), checking them; with
    /// `all`, releasing the slabs then leaves the parent nothing.
    fn finish(&mut self, all: bool) {
        self.parent.disarm();
        for i in (0..self.live.len()).rev() {
            if all || !self.live[i].pooled {
                self.free(i, 0);
            }
        }
        self.check();
        if all {
            let s = self.pool.stats();
            assert_eq!((s.live_blocks, s.forwarded), (0, 0), "{s:?}");
            assert_eq!(self.pool.release_empty_slabs(), s.reserved);
            let s = self.pool.stats();
            assert_eq!((s.slabs, s.capacity, s.reserved), (0, 0, 0), "{s:?}");
            assert_eq!(self.parent.live_bytes(), 0);
            self.pool.check_invariants();
        }
    }
}

/// Runs `ops` on a pool made as `spec` says; `free_all`: free every block at the end
/// (otherwise the pool is dropped with its pooled blocks live).
fn run(spec: Spec, ops: &[Op], free_all: bool) {
    let parent = TestAlloc::new();
    {
        let pool = match spec.capacity {
            Some(n) => Pool::with_capacity_in(spec.layout(), n, &parent),
            None => Pool::new_in(spec.layout(), &parent),
        };
        let s = pool.stats();
        let n = spec.capacity.unwrap_or(0);
        assert_eq!((s.capacity, s.free_blocks, s.slabs), (n, n, usize::from(n > 0)), "{s:?}");
        let mut model = Model::new(&pool, &parent);
        model.check();
        for op in ops {
            model.apply(op);
            model.check();
        }
        model.finish(free_all);
    }
    parent.assert_no_leaks();
}

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn random_sequences(spec in spec(), ops in pvec(op(), 0..100), free_all in any::<bool>()) {
        run(spec, &ops, free_all);
    }
}

proptest! {
    #![proptest_config(config(24))]

    #[test]
    fn release_between_phases(
        size in 40usize..=300,
        ops in pvec(phase(), 1..12),
        free_all in any::<bool>(),
    ) {
        run(Spec { size, align_log: 3, capacity: None }, &ops, free_all);
    }
}

/// The model's predictions are not vacuous: a fixed sequence reuses, carves, takes new
/// slabs, crosses sides and releases, and the model follows every step.
#[test]
fn the_model_sees_reuse_carving_and_new_slabs() {
    let ops = [
        Op::AllocMany(150),
        Op::FreeEvery { step: 2, offset: 0 },
        Op::Alloc { size: Size::Block, align: Align::Block, zeroed: false },
        Op::Alloc { size: Size::Over(64), align: Align::Small(0), zeroed: true },
        Op::Grow { pick: 0, slack: 0, by: Size::Over(40), align: None, zeroed: true },
        Op::Shrink { pick: 3, slack: 0, keep_permille: 100, align: Some(Align::Over(1)) },
        Op::Release,
        Op::FreeEvery { step: 1, offset: 0 },
        Op::Release,
    ];
    let parent = TestAlloc::new();
    {
        let pool = Pool::new_in(Layout::new::<[u64; 8]>(), &parent);
        let mut model = Model::new(&pool, &parent);
        model.apply(&ops[0]);
        model.check();
        assert!(pool.stats().slabs >= 2, "{:?}", pool.stats());
        assert!(model.carve.is_some());
        model.apply(&ops[1]);
        model.check();
        assert_eq!(model.free.len(), 75);
        let head = *model.free.last().unwrap();
        model.apply(&ops[2]);
        model.check();
        assert_eq!(model.live.last().unwrap().ptr, head, "the block freed last is reused");
        for op in &ops[3..] {
            model.apply(op);
            model.check();
        }
        assert_eq!(pool.stats().slabs, 0);
        assert!(model.free.is_empty());
    }
    parent.assert_no_leaks();
}
