//! The allocator-level driver shared by the `bump`, `arena` and `pool` fuzz targets (and
//! by the suite's replays of them): it makes `Allocator` calls directly, on whatever
//! handle a target picks, and keeps a model of every live block.
//!
//! A [`BlockOp`] is one call: `allocate`, `allocate_zeroed`, `grow`, `grow_zeroed`,
//! `shrink` (also to another alignment) or `deallocate` of a chosen live block, freed or
//! resized with any layout that *fits* it (its alignment, and a size between the one
//! asked for and the length handed back). [`Blocks`] runs it and checks:
//!
//! - every block handed out is aligned as asked, at least as long as asked, and overlaps
//!   no other live block (a `BTreeMap` of address ranges);
//! - every byte handed out is ours: the driver writes all of them, with a pattern derived
//!   from the block's id (so a block written over by another's data shows), and under
//!   AddressSanitizer a byte the allocator left poisoned is reported there;
//! - `allocate_zeroed` hands out zeros; `grow_zeroed` zeroes what lies past the old
//!   block (and may keep or zero the bytes between the old layout's size and the old
//!   block's end);
//! - `grow` keeps the block's prefix up to the old layout's size, `shrink` up to the new
//!   size;
//! - an `Err` leaves the block untouched, and happens only when the parent refused a
//!   request during the call or an allocation limit is set;
//! - the parent's live bytes grow only within the allocation limit in force;
//! - the touched block keeps its pattern after every call, and every live block after
//!   every [`VERIFY_EVERY`] calls (and whenever a target asks, e.g. after a scope ends).
//!
//! The targets add what is specific to each allocator (its `check_invariants`, its
//! statistics against the parent's counters, resets, scopes, handles) in
//! `targets/{bump,arena,pool}.rs`.
//!
//! Sizes are bounded (at most about 80 KiB, and at most [`MAX_LIVE`] blocks holding
//! [`MAX_LIVE_BYTES`] at once) so that an input runs in microseconds.

use std::collections::BTreeMap;
use std::ptr::NonNull;

use allockit::alloc::{Allocator, Layout};
use arbitrary::{Arbitrary, Result, Unstructured};

use crate::test_alloc::{FailPlan, TestAlloc};

/// At most this many blocks are live at once; an allocation past it frees a block instead.
pub const MAX_LIVE: usize = 48;
/// At most this many bytes are live at once (requested sizes); allocations and growth
/// past it are cut down.
pub const MAX_LIVE_BYTES: usize = 256 << 10;
/// Every live block is verified after this many calls.
pub const VERIFY_EVERY: u64 = 16;

// ---------------------------------------------------------------------------------------
// Decoded pieces
// ---------------------------------------------------------------------------------------

/// A request size: mostly up to 64 bytes (5/8), often up to 1 KiB (1/4), sometimes up
/// to 8 KiB (3/32) or 16 KiB (1/64), and rarely (1/64) up to about 80 KiB: past a bump's
/// early chunks, a handle's slab, a pool's first slab. (Every byte handed out is written
/// and checked, and a bump's chunks double with what it hands out, so the big sizes are
/// kept rare to keep an input's run short.)
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Size(pub usize);

impl<'a> Arbitrary<'a> for Size {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let raw = u16::arbitrary(u)?;
        let low = usize::from(raw & 0x03FF);
        let bytes = match raw >> 10 {
            0..=39 => low % 65,
            40..=55 => 65 + low % 960,
            56..=61 => 1025 + low * 7,
            62 => 8193 + low * 8,
            _ => 16_385 + low * 64,
        };
        Ok(Size(bytes))
    }

    fn size_hint(_depth: usize) -> (usize, Option<usize>) {
        (2, Some(2))
    }
}

/// An alignment, a power of two from 1 to 4096: mostly at most 16.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Align(pub usize);

impl Align {
    fn from_byte(raw: u8) -> Align {
        let log = match raw {
            0..=199 => raw % 5,
            200..=239 => 5 + raw % 4,
            _ => 9 + raw % 4,
        };
        Align(1 << log)
    }
}

impl<'a> Arbitrary<'a> for Align {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(Align::from_byte(u8::arbitrary(u)?))
    }

    fn size_hint(_depth: usize) -> (usize, Option<usize>) {
        (1, Some(1))
    }
}

/// The alignment a resize asks for: usually the block's own, sometimes another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NewAlign(pub Option<Align>);

impl<'a> Arbitrary<'a> for NewAlign {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let raw = u8::arbitrary(u)?;
        Ok(NewAlign((raw >= 200).then(|| Align(1 << (raw % 13)))))
    }

    fn size_hint(_depth: usize) -> (usize, Option<usize>) {
        (1, Some(1))
    }
}

/// One `Allocator` call. `pick` chooses the live block (even: the newest of the current
/// level, odd: any of them); `fit` chooses the size of the layout it is resized or freed
/// with, between the size asked for and the length handed back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockOp {
    Alloc {
        size: Size,
        align: Align,
        zeroed: bool,
    },
    Grow {
        pick: u8,
        fit: u8,
        by: Size,
        align: NewAlign,
        zeroed: bool,
    },
    /// To `keep / 255` of the old layout's size.
    Shrink {
        pick: u8,
        fit: u8,
        keep: u8,
        align: NewAlign,
    },
    Dealloc {
        pick: u8,
        fit: u8,
    },
}

impl<'a> Arbitrary<'a> for BlockOp {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        // Weighted: more allocations than frees, so that blocks accumulate.
        Ok(match u8::arbitrary(u)? {
            0..=95 => BlockOp::Alloc {
                size: u.arbitrary()?,
                align: u.arbitrary()?,
                zeroed: u.arbitrary()?,
            },
            96..=159 => BlockOp::Grow {
                pick: u.arbitrary()?,
                fit: u.arbitrary()?,
                by: u.arbitrary()?,
                align: u.arbitrary()?,
                zeroed: u.arbitrary()?,
            },
            160..=199 => BlockOp::Shrink {
                pick: u.arbitrary()?,
                fit: u.arbitrary()?,
                keep: u.arbitrary()?,
                align: u.arbitrary()?,
            },
            _ => BlockOp::Dealloc { pick: u.arbitrary()?, fit: u.arbitrary()? },
        })
    }
}

/// A parent failure plan, decoded; see [`FailPlan`].
#[derive(Arbitrary, Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlanSpec {
    Never,
    /// Refuses the `n + 1`-th request.
    Nth(u8),
    /// Serves `n` requests, then refuses all.
    AllAfter(u8),
    /// Refuses one request in `2 + one_in % 15`, at random from `seed`.
    Random {
        seed: u64,
        one_in: u8,
    },
}

impl PlanSpec {
    pub fn plan(self) -> FailPlan {
        match self {
            PlanSpec::Never => FailPlan::Never,
            PlanSpec::Nth(n) => FailPlan::Nth(u64::from(n) + 1),
            PlanSpec::AllAfter(n) => FailPlan::AllAfter(u64::from(n)),
            PlanSpec::Random { seed, one_in } => {
                FailPlan::Random { seed, one_in: 2 + u32::from(one_in % 15) }
            }
        }
    }
}

/// An allocation limit to set: `None` lifts it, `Some(n)` sets it `16 * n` bytes above
/// what the parent has handed out now (so both tight and roomy limits come up).
pub fn limit_above(parent: &TestAlloc, headroom: Option<u16>) -> Option<usize> {
    headroom.map(|n| parent.live_bytes() + 16 * usize::from(n))
}

// ---------------------------------------------------------------------------------------
// Patterns
// ---------------------------------------------------------------------------------------

/// The period of the patterns (a prime, so that the ids' starting points spread).
const PERIOD: usize = 4093;

/// `PERIOD` bytes of noise that every block's pattern is cut from.
static NOISE: [u8; PERIOD] = {
    let mut table = [0u8; PERIOD];
    let mut x: u32 = 0x9E37_79B9;
    let mut i = 0;
    while i < PERIOD {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        table[i] = (x >> 24) as u8;
        i += 1;
    }
    table
};

/// Zeros to compare against.
static ZEROS: [u8; PERIOD] = [0; PERIOD];

/// Where block `id`'s pattern starts in [`NOISE`]: byte `i` of the block is
/// `NOISE[(start(id) + i) % PERIOD]`. Consecutive ids start far apart.
fn start(id: u64) -> usize {
    (id.wrapping_mul(2_654_435_761) % PERIOD as u64) as usize
}

/// The byte at offset `i` of block `id`.
pub fn pattern(id: u64, i: usize) -> u8 {
    NOISE[(start(id) + i) % PERIOD]
}

/// Calls `f(piece of [from, to), the matching piece of NOISE)` for the pieces that
/// block `id`'s pattern over `[from, to)` is cut into. Whole slices, so that filling is a
/// `memcpy` and checking a `memcmp`, fast even in unoptimised builds.
fn pieces(id: u64, from: usize, to: usize, mut f: impl FnMut(std::ops::Range<usize>, &[u8])) {
    let mut at = from;
    while at < to {
        let pos = (start(id) + at) % PERIOD;
        let run = (to - at).min(PERIOD - pos);
        f(at..at + run, &NOISE[pos..pos + run]);
        at += run;
    }
}

/// Writes block `id`'s pattern over `bytes[from..to]`.
fn fill(bytes: &mut [u8], id: u64, from: usize, to: usize) {
    pieces(id, from, to, |range, noise| bytes[range].copy_from_slice(noise));
}

/// The first offset in `[from, to)` where `bytes` does not hold block `id`'s pattern.
fn first_wrong(bytes: &[u8], id: u64, from: usize, to: usize) -> Option<usize> {
    let mut wrong = None;
    pieces(id, from, to, |range, noise| {
        if wrong.is_none() && bytes[range.clone()] != *noise {
            let at = bytes[range.clone()].iter().zip(noise).position(|(b, n)| b != n);
            wrong = at.map(|at| range.start + at);
        }
    });
    wrong
}

/// The first non-zero byte of `bytes`, if any.
fn first_non_zero(bytes: &[u8]) -> Option<usize> {
    let mut at = 0;
    for piece in bytes.chunks(PERIOD) {
        if *piece != ZEROS[..piece.len()] {
            return piece.iter().position(|&b| b != 0).map(|i| at + i);
        }
        at += piece.len();
    }
    None
}

/// The bytes of a live block, as the driver owns them.
///
/// # Safety
///
/// - `ptr` must be valid for reads and writes of `len` bytes that nothing else uses while
///   the slice lives.
unsafe fn bytes<'x>(ptr: NonNull<u8>, len: usize) -> &'x mut [u8] {
    // SAFETY: the caller's contract.
    unsafe { std::slice::from_raw_parts_mut(ptr.as_ptr(), len) }
}

// ---------------------------------------------------------------------------------------
// The model
// ---------------------------------------------------------------------------------------

/// A live block as the driver knows it.
#[derive(Clone, Copy, Debug)]
pub struct Live {
    pub id: u64,
    pub ptr: NonNull<u8>,
    /// The layout it was last allocated or resized with.
    pub layout: Layout,
    /// The length handed back: every byte of `[ptr, ptr + len)` holds the pattern.
    pub len: usize,
    /// The scope level it was allocated at (the bump's scopes; 0 elsewhere).
    pub level: u32,
}

/// What the driver needs to know about the allocator under test for one call.
#[derive(Clone, Copy, Debug)]
pub struct Env<'p> {
    /// Where the allocator's memory comes from.
    pub parent: &'p TestAlloc,
    /// The allocator's allocation limit now.
    pub limit: Option<usize>,
    /// A pool's block layout: a resize between two layouts that both go to the parent
    /// keeps the alignment, because `TestAlloc` (standing in for the collections, which
    /// never change it) insists on that, and the pool passes such resizes on as they are.
    pub pool_block: Option<Layout>,
}

impl Env<'_> {
    fn fits_block(&self, layout: Layout) -> bool {
        self.pool_block.is_some_and(|b| layout.size() <= b.size() && layout.align() <= b.align())
    }
}

/// The live blocks of one run, and the checks; see the [module docs](self).
#[derive(Debug, Default)]
pub struct Blocks {
    /// Oldest first, by level: the blocks of the current level are a suffix, and the
    /// last one is the newest (allocated or resized last).
    live: Vec<Live>,
    /// Start → (end, id) of every live block with a non-zero length.
    ranges: BTreeMap<usize, (usize, u64)>,
    /// Sum of the live blocks' requested sizes.
    live_bytes: usize,
    next_id: u64,
    level: u32,
    /// Calls made so far.
    steps: u64,
}

impl Blocks {
    pub fn new() -> Self {
        Self::default()
    }

    /// The calls made so far (each `BlockOp` counts one, and so does each extra call a
    /// target makes through [`note_step`](Self::note_step)).
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// Counts a call the target made itself (a reset, a flush...).
    pub fn note_step(&mut self) {
        self.steps += 1;
    }

    pub fn live(&self) -> &[Live] {
        &self.live
    }

    pub fn len(&self) -> usize {
        self.live.len()
    }

    pub fn is_empty(&self) -> bool {
        self.live.is_empty()
    }

    /// The level new blocks get, and the only one whose blocks calls may touch.
    pub fn level(&self) -> u32 {
        self.level
    }

    /// Enters a scope: blocks allocated from now on are the scope's, and older ones are
    /// only verified, never touched.
    pub fn enter(&mut self) {
        self.level += 1;
    }

    /// Leaves a scope: its blocks are forgotten (their memory was given back), and every
    /// older block is verified.
    pub fn leave(&mut self) {
        assert!(self.level > 0, "leaving a scope that was never entered");
        let level = self.level;
        self.forget_where(|b| b.level >= level);
        self.level -= 1;
        self.verify_all();
    }

    /// Forgets every block (a reset gave their memory back).
    pub fn forget_all(&mut self) {
        self.live.clear();
        self.ranges.clear();
        self.live_bytes = 0;
    }

    fn forget_where(&mut self, mut gone: impl FnMut(&Live) -> bool) {
        let ranges = &mut self.ranges;
        let live_bytes = &mut self.live_bytes;
        self.live.retain(|b| {
            if gone(b) {
                if b.len != 0 {
                    ranges.remove(&b.ptr.addr().get());
                }
                *live_bytes -= b.layout.size();
                false
            } else {
                true
            }
        });
    }

    /// Removes live block `i` from the model (the caller frees it) and returns it.
    pub fn take(&mut self, i: usize) -> Live {
        let b = self.live.remove(i);
        if b.len != 0 {
            self.ranges.remove(&b.ptr.addr().get());
        }
        self.live_bytes -= b.layout.size();
        b
    }

    /// Index of the first block of the current level.
    fn level_start(&self) -> usize {
        let level = self.level;
        self.live.partition_point(|b| b.level < level)
    }

    /// The block `pick` chooses among the current level's, if it has any.
    pub fn pick(&self, pick: u8) -> Option<usize> {
        let start = self.level_start();
        let count = self.live.len() - start;
        if count == 0 {
            return None;
        }
        Some(if pick & 1 == 0 {
            self.live.len() - 1
        } else {
            start + usize::from(pick >> 1) % count
        })
    }

    /// The layout `fit` chooses to free or resize `b` with: its alignment, and a size
    /// between the one asked for and the length handed back.
    pub fn fitting(b: &Live, fit: u8) -> Layout {
        let extra = b.len - b.layout.size();
        let size = if extra == 0 || fit < 128 {
            b.layout.size()
        } else {
            b.layout.size() + usize::from(fit) % (extra + 1)
        };
        Layout::from_size_align(size, b.layout.align()).expect("a block's layout fits")
    }

    /// Records a block just handed out (checking it), and writes its pattern from `from`.
    #[track_caller]
    fn insert(&mut self, id: u64, ptr: NonNull<u8>, layout: Layout, len: usize, from: usize) {
        let addr = ptr.addr().get();
        assert_eq!(
            addr % layout.align(),
            0,
            "block {id} at {addr:#x} is not aligned for {layout:?}"
        );
        assert!(len >= layout.size(), "block {id}: {len} bytes handed back for {layout:?}");
        if len != 0 {
            let end = addr.checked_add(len).expect("a block wraps around the address space");
            if let Some((&start, &(other_end, other))) = self.ranges.range(..end).next_back() {
                assert!(
                    other_end <= addr,
                    "block {id} {addr:#x}..{end:#x} overlaps live block {other} \
                     {start:#x}..{other_end:#x}"
                );
            }
            self.ranges.insert(addr, (end, id));
            // SAFETY: the allocator handed these `len` bytes to us alone.
            fill(unsafe { bytes(ptr, len) }, id, from, len);
        }
        self.live_bytes += layout.size();
        self.live.push(Live { id, ptr, layout, len, level: self.level });
    }

    /// Panics unless `[from, to)` of `b`'s bytes hold its pattern.
    #[track_caller]
    fn verify_range(b: &Live, ptr: NonNull<u8>, from: usize, to: usize, what: &str) {
        if from >= to {
            return;
        }
        // SAFETY: `ptr` holds at least `to` bytes of the block, ours.
        let data = unsafe { bytes(ptr, to) };
        if let Some(at) = first_wrong(data, b.id, from, to) {
            panic!(
                "{what}: block {} ({:?}, {} bytes at {ptr:?}) lost its content at offset {at}: \
                 {:#04x}, expected {:#04x}",
                b.id,
                b.layout,
                b.len,
                data[at],
                pattern(b.id, at)
            );
        }
    }

    /// Panics unless live block `b` holds its pattern.
    #[track_caller]
    pub fn verify(b: &Live, what: &str) {
        Self::verify_range(b, b.ptr, 0, b.len, what);
    }

    /// Verifies every live block.
    #[track_caller]
    pub fn verify_all(&self) {
        for b in &self.live {
            Self::verify(b, "verify_all");
        }
    }

    /// Runs one call on `alloc`; see the [module docs](self) for what is checked.
    pub fn apply<A: Allocator>(&mut self, alloc: A, op: BlockOp, env: &Env<'_>) {
        let parent_before = env.parent.live_bytes();
        let refused_before = env.parent.refused();
        let failed = match op {
            BlockOp::Alloc { size, align, zeroed } => self.alloc(alloc, size, align, zeroed),
            BlockOp::Grow { pick, fit, by, align, zeroed } => {
                self.grow(alloc, env, pick, fit, by, align, zeroed)
            }
            BlockOp::Shrink { pick, fit, keep, align } => {
                self.shrink(alloc, env, pick, fit, keep, align)
            }
            BlockOp::Dealloc { pick, fit } => {
                self.dealloc(alloc, pick, fit);
                None
            }
        };
        if let Some(what) = failed {
            assert!(
                env.parent.refused() > refused_before || env.limit.is_some(),
                "{what} failed with no limit set and no request refused by the parent ({op:?})"
            );
        }
        let parent_after = env.parent.live_bytes();
        if let Some(limit) = env.limit {
            assert!(
                parent_after <= parent_before || parent_after <= limit,
                "{op:?} took the parent's live bytes from {parent_before} to {parent_after}, \
                 past the limit of {limit}"
            );
        }
        self.steps += 1;
        if self.steps.is_multiple_of(VERIFY_EVERY) {
            self.verify_all();
        }
    }

    /// Returns `Some(what)` if the call failed.
    fn alloc<A: Allocator>(
        &mut self,
        alloc: A,
        size: Size,
        align: Align,
        zeroed: bool,
    ) -> Option<&'static str> {
        if self.live.len() >= MAX_LIVE {
            // Full: free one instead (of the current level, if it has any).
            self.dealloc(alloc, size.0 as u8, align.0 as u8);
            return None;
        }
        let size = size.0.min(MAX_LIVE_BYTES.saturating_sub(self.live_bytes));
        let layout = Layout::from_size_align(size, align.0).expect("bounded layouts are valid");
        let result = if zeroed { alloc.allocate_zeroed(layout) } else { alloc.allocate(layout) };
        let Ok(block) = result else {
            return Some(if zeroed { "allocate_zeroed" } else { "allocate" });
        };
        let (ptr, len) = (block.cast::<u8>(), block.len());
        if zeroed && len != 0 {
            // SAFETY: `len` bytes were just handed to us.
            let data = unsafe { bytes(ptr, len) };
            if let Some(at) = first_non_zero(data) {
                panic!("allocate_zeroed({layout:?}) handed out {:#04x} at offset {at}", data[at]);
            }
        }
        let id = self.next_id;
        self.next_id += 1;
        self.insert(id, ptr, layout, len, 0);
        None
    }

    #[allow(clippy::too_many_arguments)]
    fn grow<A: Allocator>(
        &mut self,
        alloc: A,
        env: &Env<'_>,
        pick: u8,
        fit: u8,
        by: Size,
        align: NewAlign,
        zeroed: bool,
    ) -> Option<&'static str> {
        let i = self.pick(pick)?;
        let b = self.live[i];
        let old = Self::fitting(&b, fit);
        let by = by.0.min(MAX_LIVE_BYTES.saturating_sub(self.live_bytes));
        let mut new_align = align.0.map_or(old.align(), |a| a.0);
        let size = old.size() + by;
        if env.pool_block.is_some()
            && !env.fits_block(old)
            && !env.fits_block(Layout::from_size_align(size, new_align).unwrap())
        {
            new_align = old.align();
        }
        let new = Layout::from_size_align(size, new_align).expect("bounded layouts are valid");
        // SAFETY: `b` is live, allocated by this allocator (or one sharing its blocks),
        // `old` fits it, and `new` is not smaller.
        let result = unsafe {
            if zeroed { alloc.grow_zeroed(b.ptr, old, new) } else { alloc.grow(b.ptr, old, new) }
        };
        let what = if zeroed { "grow_zeroed" } else { "grow" };
        let Ok(block) = result else {
            Self::verify(&b, what);
            return Some(what);
        };
        let (ptr, len) = (block.cast::<u8>(), block.len());
        let b = self.take(i);
        Self::verify_range(&b, ptr, 0, old.size(), what);
        if zeroed {
            // SAFETY: `len` bytes were just handed to us.
            let data = unsafe { bytes(ptr, len) };
            // Between the old layout's size and the old block's end, the bytes may be
            // kept or zeroed; past the old block's end, they are zero.
            let kept_end = b.len.clamp(old.size(), len);
            for (at, &byte) in data.iter().enumerate().take(kept_end).skip(old.size()) {
                assert!(
                    byte == 0 || byte == pattern(b.id, at),
                    "grow_zeroed({old:?} -> {new:?}) of block {} left {byte:#04x} at offset {at} \
                     (old length {})",
                    b.id,
                    b.len
                );
            }
            if let Some(at) = first_non_zero(&data[kept_end..]) {
                panic!(
                    "grow_zeroed({old:?} -> {new:?}) of block {} left {:#04x} at offset {} \
                     (old length {})",
                    b.id,
                    data[kept_end + at],
                    kept_end + at,
                    b.len
                );
            }
        }
        self.insert(b.id, ptr, new, len, old.size());
        None
    }

    fn shrink<A: Allocator>(
        &mut self,
        alloc: A,
        env: &Env<'_>,
        pick: u8,
        fit: u8,
        keep: u8,
        align: NewAlign,
    ) -> Option<&'static str> {
        let i = self.pick(pick)?;
        let b = self.live[i];
        let old = Self::fitting(&b, fit);
        let size = old.size() * usize::from(keep) / 255;
        let mut new_align = align.0.map_or(old.align(), |a| a.0);
        if env.pool_block.is_some()
            && !env.fits_block(old)
            && !env.fits_block(Layout::from_size_align(size, new_align).unwrap())
        {
            new_align = old.align();
        }
        let new = Layout::from_size_align(size, new_align).expect("bounded layouts are valid");
        // SAFETY: `b` is live, allocated by this allocator (or one sharing its blocks),
        // `old` fits it, and `new` is not larger.
        let result = unsafe { alloc.shrink(b.ptr, old, new) };
        let Ok(block) = result else {
            Self::verify(&b, "shrink");
            return Some("shrink");
        };
        let (ptr, len) = (block.cast::<u8>(), block.len());
        let b = self.take(i);
        Self::verify_range(&b, ptr, 0, new.size(), "shrink");
        self.insert(b.id, ptr, new, len, new.size());
        None
    }

    fn dealloc<A: Allocator>(&mut self, alloc: A, pick: u8, fit: u8) {
        let Some(i) = self.pick(pick) else { return };
        let b = self.take(i);
        Self::verify(&b, "deallocate");
        let layout = Self::fitting(&b, fit);
        // SAFETY: `b` was live, allocated by this allocator (or one sharing its blocks),
        // and `layout` fits it; the model has forgotten it.
        unsafe { alloc.deallocate(b.ptr, layout) };
    }

    /// Frees the blocks for which `free` says so, through `alloc`, oldest last (so a bump
    /// gives the newest back first), and forgets them.
    pub fn free_where<A: Allocator>(&mut self, alloc: A, mut free: impl FnMut(&Live) -> bool) {
        let mut i = self.live.len();
        while i > 0 {
            i -= 1;
            if free(&self.live[i]) {
                let b = self.take(i);
                Self::verify(&b, "free_where");
                // SAFETY: as in `dealloc`, with the layout last asked for.
                unsafe { alloc.deallocate(b.ptr, b.layout) };
            }
        }
    }
}

/// Decodes values until the input runs out; `None` then (a partial value is dropped).
pub fn next<'a, T: Arbitrary<'a>>(u: &mut Unstructured<'a>) -> Option<T> {
    if u.is_empty() {
        return None;
    }
    T::arbitrary(u).ok()
}
