//! Allocator-level property tests of `&Bump`, used through the `Allocator` trait.
//!
//! [`random_sequences`] draws sequences of allocate / allocate_zeroed / grow /
//! grow_zeroed / shrink (also to other alignments) / deallocate, resets, nested scopes
//! (`ScopeGuard`), allocation limits and parent failure plans, and keeps a model of the
//! live blocks, each filled with a byte pattern derived from its id. After every step:
//!
//! - `check_invariants()` passes;
//! - every live block is aligned, lies in memory the bump handed out, keeps its pattern,
//!   and no two overlap;
//! - `stats()` is consistent: `allocated <= capacity`, `reserved` is exactly what the
//!   counting parent has live, one parent block per chunk, and `reserved` only grows
//!   within the allocation limit.
//!
//! Each step also checks what the bump promises about it: an allocation that fits the
//! current chunk is placed at the bump pointer, rounded up; the newest block grows and
//! shrinks in place when it can, and is given back when freed; freeing any other block
//! changes nothing; resized blocks keep their prefix; a failed request changes nothing
//! and happens only for impossible sizes, a refusing parent or the allocation limit.

use std::ptr::NonNull;

use allockit::Bump;
use allockit::alloc::{Allocator, Layout};
use allockit::bump::{ChunkRole, ScopeGuard, Stats};
use proptest::collection::vec as pvec;
use proptest::prelude::*;

use crate::common::test_alloc::{FailPlan, TestAlloc};

/// The bump under test: chunks come from a counting `TestAlloc`.
type TestBump<'p> = Bump<&'p TestAlloc>;

/// The random sequences check every live block after every step, so they get fewer
/// cases than the quick in-place property.
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig { cases, ..ProptestConfig::default() }
}

/// Sizes no allocator can serve; each is a valid `Layout` size for every alignment drawn.
const HUGE: [usize; 3] = [1 << 50, isize::MAX as usize / 2 + 1, isize::MAX as usize - 8191];

/// The allocation limit meaning "none". Under `cfg(asan)` ASan's allocator aborts the
/// process on a request over 1 TiB instead of failing it, so there a limit far above
/// anything these tests take keeps the huge requests from reaching the parent.
const NO_LIMIT: Option<usize> = if cfg!(asan) { Some(1 << 36) } else { None };

/// The largest alignment drawn (4096).
const MAX_ALIGN_LOG: u8 = 12;

/// Under `cfg(asan)` (CI's sanitizer run) the bump rounds every block up to an 8-byte
/// granule, aligns it to one, and follows it with a 16-byte red zone; the exact
/// predictions below take that into account.
const GRANULE: usize = if cfg!(asan) { 8 } else { 1 };
const REDZONE: usize = if cfg!(asan) { 16 } else { 0 };

/// The bytes the bump reserves for a block of `size` bytes.
fn reserved_size(size: usize) -> usize {
    size.next_multiple_of(GRANULE) + REDZONE
}

/// The alignment the bump gives a block asked for with `align`.
fn reserved_align(align: usize) -> usize {
    align.max(GRANULE)
}

// ---------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug)]
enum Size {
    Small(usize),
    /// An index into [`HUGE`].
    Huge(usize),
}

/// Which live block (of the innermost scope) an operation acts on.
#[derive(Clone, Copy, Debug)]
enum Pick {
    /// The one allocated or resized last.
    Newest,
    Any(usize),
}

#[derive(Clone, Copy, Debug)]
enum Plan {
    Never,
    Nth(u64),
    AllAfter(u64),
}

#[derive(Clone, Debug)]
enum Op {
    Alloc {
        size: Size,
        align_log: u8,
        zeroed: bool,
    },
    /// Grows by `by` bytes (or to a huge size), to another alignment if `align_log` is set.
    Grow {
        pick: Pick,
        by: Size,
        align_log: Option<u8>,
        zeroed: bool,
    },
    /// Shrinks to `keep_permille / 1000` of the size, to another alignment if set.
    Shrink {
        pick: Pick,
        keep_permille: usize,
        align_log: Option<u8>,
    },
    Dealloc {
        pick: Pick,
    },
    Reset,
    ResetKeepChunks,
    /// `None` removes the limit; `Some(h)` sets it `h` bytes above what is reserved now.
    Limit(Option<usize>),
    ParentPlan(Plan),
    /// Runs the operations in a `ScopeGuard` (nested in the current one, if any).
    Scope(Vec<Op>),
}

fn size() -> impl Strategy<Value = Size> {
    prop_oneof![40 => (0usize..300).prop_map(Size::Small), 1 => (0..HUGE.len()).prop_map(Size::Huge)]
}

fn align_log() -> impl Strategy<Value = u8> {
    prop_oneof![6 => 0u8..=4, 1 => 5u8..=MAX_ALIGN_LOG]
}

fn pick() -> impl Strategy<Value = Pick> {
    prop_oneof![2 => Just(Pick::Newest), 1 => any::<usize>().prop_map(Pick::Any)]
}

fn plan() -> impl Strategy<Value = Plan> {
    prop_oneof![
        Just(Plan::Never),
        (1u64..4).prop_map(Plan::Nth),
        (0u64..3).prop_map(Plan::AllAfter),
    ]
}

/// The operations that only allocate, resize and free.
fn block_op() -> impl Strategy<Value = Op> {
    prop_oneof![
        10 => (size(), align_log(), any::<bool>())
            .prop_map(|(size, align_log, zeroed)| Op::Alloc { size, align_log, zeroed }),
        6 => (pick(), size(), prop::option::weighted(0.3, align_log()), any::<bool>())
            .prop_map(|(pick, by, align_log, zeroed)| Op::Grow { pick, by, align_log, zeroed }),
        4 => (pick(), 0usize..=1000, prop::option::weighted(0.3, align_log())).prop_map(
            |(pick, keep_permille, align_log)| Op::Shrink { pick, keep_permille, align_log }
        ),
        6 => pick().prop_map(|pick| Op::Dealloc { pick }),
    ]
}

/// Any operation, scopes nested up to three deep.
fn any_op() -> impl Strategy<Value = Op> {
    let leaf = prop_oneof![
        26 => block_op(),
        1 => Just(Op::Reset),
        1 => Just(Op::ResetKeepChunks),
        1 => prop::option::of(0usize..20_000).prop_map(Op::Limit),
        1 => plan().prop_map(Op::ParentPlan),
    ];
    leaf.prop_recursive(3, 48, 12, |inner| pvec(inner, 0..12).prop_map(Op::Scope))
}

// ---------------------------------------------------------------------------------------
// The model
// ---------------------------------------------------------------------------------------

/// A live block as the model knows it.
#[derive(Clone, Copy, Debug)]
struct Block {
    id: u64,
    ptr: NonNull<u8>,
    layout: Layout,
    /// The scope depth it was allocated at (0 outside any scope).
    level: usize,
}

impl Block {
    fn addr(&self) -> usize {
        self.ptr.as_ptr() as usize
    }

    fn end(&self) -> usize {
        self.addr() + self.layout.size()
    }

    /// The end of the bytes the bump reserved for it.
    fn reserved_end(&self) -> usize {
        self.addr() + reserved_size(self.layout.size())
    }
}

/// The byte at offset `i` of the block with id `id`: depends on both, so a block copied
/// to a shifted position or mixed up with another shows.
fn pattern(id: u64, i: usize) -> u8 {
    (id as u8).wrapping_mul(0x9D) ^ (i as u8).wrapping_mul(7) ^ (i >> 8) as u8 ^ 0x5A
}

/// Writes the pattern of block `id` into `[from, to)` of the block at `ptr`.
///
/// # Safety
///
/// - `ptr` must be valid for writes of `to` bytes.
unsafe fn fill(ptr: NonNull<u8>, id: u64, from: usize, to: usize) {
    for i in from..to {
        // SAFETY: `i < to` (caller's contract).
        unsafe { ptr.as_ptr().add(i).write(pattern(id, i)) };
    }
}

/// The bytes `[from, to)` of the block at `ptr`.
///
/// # Safety
///
/// - `ptr` must be valid for reads of `to` initialised bytes.
unsafe fn bytes<'a>(ptr: NonNull<u8>, from: usize, to: usize) -> &'a [u8] {
    // SAFETY: in bounds and initialised (caller's contract).
    unsafe { std::slice::from_raw_parts(ptr.as_ptr().add(from), to - from) }
}

#[track_caller]
fn assert_pattern(ptr: NonNull<u8>, id: u64, len: usize, what: &str) {
    // SAFETY: every caller passes a live block of at least `len` bytes, all written.
    let got = unsafe { bytes(ptr, 0, len) };
    if let Some(i) = (0..len).find(|&i| got[i] != pattern(id, i)) {
        panic!("{what}: block {id} at {ptr:?} lost its contents at byte {i} of {len}");
    }
}

/// The current chunk as addresses: data start, bump position, end.
#[derive(Clone, Copy, Debug)]
struct Current {
    start: usize,
    top: usize,
    end: usize,
}

fn current(bump: &TestBump<'_>) -> Option<Current> {
    bump.chunks().find(|c| c.role == ChunkRole::Current).map(|c| {
        let start = c.data_start as usize;
        Current { start, top: start + c.allocated, end: start + c.capacity }
    })
}

/// What the bump and its parent looked like before a step.
struct Before {
    stats: Stats,
    current: Option<Current>,
    parent_failed: u64,
}

/// The model of live blocks, and what the test set on the bump and its parent.
struct Harness<'p> {
    parent: &'p TestAlloc,
    blocks: Vec<Block>,
    next_id: u64,
    level: usize,
    limit: Option<usize>,
    /// Requests that failed, and requests resized in place (to show the test reaches
    /// both outcomes).
    failures: usize,
    in_place: usize,
}

impl<'p> Harness<'p> {
    fn new(parent: &'p TestAlloc) -> Self {
        Harness {
            parent,
            blocks: vec![],
            next_id: 0,
            level: 0,
            limit: NO_LIMIT,
            failures: 0,
            in_place: 0,
        }
    }

    fn before(&self, bump: &TestBump<'_>) -> Before {
        Before {
            stats: bump.stats(),
            current: current(bump),
            parent_failed: self.parent.stats().failed,
        }
    }

    /// The index in `blocks` of the picked block of the innermost scope.
    fn pick(&self, pick: Pick) -> Option<usize> {
        let mine: Vec<usize> =
            (0..self.blocks.len()).filter(|&i| self.blocks[i].level == self.level).collect();
        match pick {
            Pick::Newest => mine.last().copied(),
            Pick::Any(i) => (!mine.is_empty()).then(|| mine[i % mine.len()]),
        }
    }

    /// Whether `block` ends at the bump pointer (and is non-dangling).
    fn is_newest(block: &Block, before: &Before) -> bool {
        before.current.is_some_and(|c| block.reserved_end() == c.top && block.addr() >= c.start)
    }

    /// A request for `layout` failed: checks that it was allowed to, and changed nothing.
    #[track_caller]
    fn failed(&mut self, bump: &TestBump<'_>, before: &Before, layout: Layout, huge: bool) {
        self.failures += 1;
        assert_eq!(bump.stats(), before.stats, "a failed request for {layout:?} changed the bump");
        if huge || self.parent.stats().failed > before.parent_failed {
            return;
        }
        if let Some(limit) = self.limit {
            if before.stats.reserved + layout.size() + layout.align() + 256 > limit {
                return;
            }
        }
        panic!(
            "spurious failure of a request for {layout:?} (limit {:?}): {:?}",
            self.limit, before.stats
        );
    }

    fn apply(&mut self, bump: &TestBump<'_>, op: &Op) {
        let before = self.before(bump);
        match *op {
            Op::Alloc { size, align_log, zeroed } => {
                let (size, huge) = match size {
                    Size::Small(n) => (n, false),
                    Size::Huge(i) => (HUGE[i], true),
                };
                let layout = Layout::from_size_align(size, 1 << align_log).unwrap();
                let result =
                    if zeroed { bump.allocate_zeroed(layout) } else { bump.allocate(layout) };
                let Ok(block) = result else {
                    return self.failed(bump, &before, layout, huge);
                };
                assert_eq!(block.len(), size, "block length");
                let ptr = block.cast::<u8>();
                let addr = ptr.as_ptr() as usize;
                assert_eq!(addr % layout.align(), 0, "misaligned block for {layout:?}");
                if let Some(c) = before.current {
                    let start = c.top.next_multiple_of(reserved_align(layout.align()));
                    let end = start + reserved_size(size);
                    if end <= c.end {
                        assert_eq!(
                            addr, start,
                            "a fitting {layout:?} is placed at the bump pointer"
                        );
                        let allocated = before.stats.allocated + end - c.top;
                        assert_eq!(bump.stats().allocated, allocated, "allocated after {layout:?}");
                    }
                }
                if zeroed {
                    // SAFETY: a fresh block of `size` bytes, zeroed.
                    assert!(unsafe { bytes(ptr, 0, size) }.iter().all(|&b| b == 0), "not zeroed");
                }
                let id = self.next_id;
                self.next_id += 1;
                // SAFETY: a fresh block of `size` writable bytes.
                unsafe { fill(ptr, id, 0, size) };
                self.blocks.push(Block { id, ptr, layout, level: self.level });
            }
            Op::Grow { pick, by, align_log, zeroed } => {
                let Some(index) = self.pick(pick) else { return };
                let old = self.blocks[index];
                let (size, huge) = match by {
                    Size::Small(n) => (old.layout.size() + n, false),
                    Size::Huge(i) => (HUGE[i], true),
                };
                let align = align_log.map_or(old.layout.align(), |l| 1 << l);
                let new = Layout::from_size_align(size, align).unwrap();
                // SAFETY: `old` is live in this bump with exactly `old.layout`, and the new
                // size is at least the old one.
                let result = unsafe {
                    if zeroed {
                        bump.grow_zeroed(old.ptr, old.layout, new)
                    } else {
                        bump.grow(old.ptr, old.layout, new)
                    }
                };
                let Ok(block) = result else {
                    return self.failed(bump, &before, new, huge);
                };
                assert_eq!(block.len(), size, "grown block length");
                let ptr = block.cast::<u8>();
                assert_eq!(ptr.as_ptr() as usize % align, 0, "misaligned grown block");
                let old_size = old.layout.size();
                assert_pattern(ptr, old.id, old_size, "grow");
                if zeroed {
                    // SAFETY: the grown block has `size` bytes, the new ones zeroed.
                    let tail = unsafe { bytes(ptr, old_size, size) };
                    assert!(tail.iter().all(|&b| b == 0), "grow_zeroed: tail not zeroed");
                }
                let c = before.current;
                if Self::is_newest(&old, &before)
                    && old.addr() % reserved_align(align) == 0
                    && c.is_some_and(|c| old.addr() + reserved_size(size) <= c.end)
                {
                    assert_eq!(ptr, old.ptr, "the newest block must grow in place");
                    let grown =
                        before.stats.allocated + reserved_size(size) - reserved_size(old_size);
                    assert_eq!(bump.stats().allocated, grown, "in-place growth");
                    self.in_place += 1;
                }
                // SAFETY: the grown block has `size` writable bytes.
                unsafe { fill(ptr, old.id, old_size, size) };
                self.blocks.remove(index);
                self.blocks.push(Block { ptr, layout: new, ..old });
            }
            Op::Shrink { pick, keep_permille, align_log } => {
                let Some(index) = self.pick(pick) else { return };
                let old = self.blocks[index];
                let size = old.layout.size() * keep_permille / 1000;
                let align = align_log.map_or(old.layout.align(), |l| 1 << l);
                let new = Layout::from_size_align(size, align).unwrap();
                // SAFETY: `old` is live in this bump with exactly `old.layout`, and the new
                // size is at most the old one.
                let Ok(block) = (unsafe { bump.shrink(old.ptr, old.layout, new) }) else {
                    assert!(old.addr() % align != 0, "an aligned shrink cannot fail");
                    return self.failed(bump, &before, new, false);
                };
                assert_eq!(block.len(), size, "shrunk block length");
                let ptr = block.cast::<u8>();
                assert_eq!(ptr.as_ptr() as usize % align, 0, "misaligned shrunk block");
                assert_pattern(ptr, old.id, size, "shrink");
                if old.addr() % align == 0 {
                    assert_eq!(ptr, old.ptr, "an aligned block shrinks in place");
                    self.in_place += 1;
                    if Self::is_newest(&old, &before) {
                        let freed = reserved_size(old.layout.size()) - reserved_size(size);
                        let shrunk = before.stats.allocated - freed;
                        assert_eq!(
                            bump.stats().allocated,
                            shrunk,
                            "the newest block gives bytes back"
                        );
                    } else {
                        assert_eq!(bump.stats(), before.stats, "shrinking an older block");
                    }
                }
                self.blocks.remove(index);
                self.blocks.push(Block { ptr, layout: new, ..old });
            }
            Op::Dealloc { pick } => {
                let Some(index) = self.pick(pick) else { return };
                let old = self.blocks.remove(index);
                // SAFETY: `old` is live in this bump with exactly `old.layout`.
                unsafe { bump.deallocate(old.ptr, old.layout) };
                let mut expected = before.stats;
                if Self::is_newest(&old, &before) {
                    expected.allocated -= reserved_size(old.layout.size());
                }
                assert_eq!(bump.stats(), expected, "deallocate");
            }
            Op::Limit(headroom) => {
                self.limit = headroom.map_or(NO_LIMIT, |h| Some(before.stats.reserved + h));
                bump.set_allocation_limit(self.limit);
                assert_eq!(bump.allocation_limit(), self.limit);
            }
            Op::ParentPlan(plan) => self.parent.set_plan(match plan {
                Plan::Never => FailPlan::Never,
                Plan::Nth(n) => FailPlan::Nth(n),
                Plan::AllAfter(n) => FailPlan::AllAfter(n),
            }),
            Op::Reset | Op::ResetKeepChunks | Op::Scope(_) => unreachable!("handled by the runner"),
        }
        let stats = bump.stats();
        if stats.reserved > before.stats.reserved {
            if let Some(limit) = self.limit {
                assert!(stats.reserved <= limit, "a chunk was taken past the limit: {stats:?}");
            }
        }
    }

    /// The checks after every step.
    fn check(&self, bump: &TestBump<'_>) {
        bump.check_invariants();
        let stats = bump.stats();
        assert!(stats.allocated <= stats.capacity, "{stats:?}");
        assert_eq!(
            stats.reserved,
            self.parent.live_bytes(),
            "reserved vs. the parent's live bytes"
        );
        assert_eq!(stats.chunks, self.parent.stats().live_blocks, "one parent block per chunk");
        let chunks: Vec<_> = bump.chunks().collect();
        let mut ranges = vec![];
        let mut live = 0;
        for b in &self.blocks {
            assert_eq!(b.addr() % b.layout.align(), 0, "misaligned block {b:?}");
            assert_pattern(b.ptr, b.id, b.layout.size(), "after the step");
            if b.layout.size() == 0 {
                continue;
            }
            let handed_out = chunks.iter().any(|c| {
                let start = c.data_start as usize;
                start <= b.addr() && b.end() <= start + c.allocated
            });
            assert!(handed_out, "block {b:?} is not in handed-out memory: {chunks:?}");
            ranges.push((b.addr(), b.end()));
            live += b.layout.size();
        }
        ranges.sort_unstable();
        for w in ranges.windows(2) {
            assert!(w[0].1 <= w[1].0, "blocks overlap: {:?} and {:?}", w[0], w[1]);
        }
        assert!(live <= stats.allocated, "live bytes {live} > allocated: {stats:?}");
    }

    fn reset(&mut self, bump: &mut TestBump<'_>, keep_chunks: bool) {
        let before = bump.stats();
        let largest = bump.chunks().map(|c| c.capacity).max().unwrap_or(0);
        self.blocks.clear();
        if keep_chunks {
            bump.reset_keep_chunks();
            let mut expected = before;
            expected.allocated = 0;
            assert_eq!(bump.stats(), expected, "reset_keep_chunks");
            if let Some(first) = bump.chunks().next() {
                assert_eq!(first.role, ChunkRole::Current, "the first chunk is current again");
            }
        } else {
            bump.reset();
            let after = bump.stats();
            assert_eq!(after.allocated, 0, "reset");
            assert_eq!(after.chunks, before.chunks.min(1), "reset keeps one chunk");
            assert_eq!(after.capacity, largest, "reset keeps the largest chunk");
        }
    }

    fn enter(&mut self) {
        self.level += 1;
    }

    /// After a scope guard was dropped: its blocks are gone, and so are their bytes.
    fn exit(&mut self, bump: &TestBump<'_>, at_entry: Stats) {
        let level = self.level;
        self.blocks.retain(|b| b.level < level);
        self.level -= 1;
        let stats = bump.stats();
        assert_eq!(stats.allocated, at_entry.allocated, "the scope gave back what it allocated");
        assert!(stats.reserved >= at_entry.reserved, "a scope keeps its chunks as spares");
    }
}

/// Runs `ops` on the bump itself (resets allowed).
fn run_top(h: &mut Harness<'_>, bump: &mut TestBump<'_>, ops: &[Op]) {
    for op in ops {
        match op {
            Op::Reset => h.reset(bump, false),
            Op::ResetKeepChunks => h.reset(bump, true),
            Op::Scope(inner) => {
                let at_entry = bump.stats();
                let mut guard = bump.scope_guard();
                h.enter();
                run_scoped(h, &mut guard, inner);
                drop(guard);
                h.exit(bump, at_entry);
            }
            op => h.apply(bump, op),
        }
        h.check(bump);
    }
}

/// Runs `ops` inside a scope: only the scope's own blocks are touched, and resets (which
/// need the bump itself) are skipped.
fn run_scoped(h: &mut Harness<'_>, guard: &mut ScopeGuard<'_, &TestAlloc>, ops: &[Op]) {
    for op in ops {
        match op {
            Op::Reset | Op::ResetKeepChunks => {}
            Op::Scope(inner) => {
                let at_entry = guard.stats();
                let mut nested = guard.scope_guard();
                h.enter();
                run_scoped(h, &mut nested, inner);
                drop(nested);
                h.exit(guard, at_entry);
            }
            op => h.apply(guard, op),
        }
        h.check(guard);
    }
}

/// Runs a whole sequence on a fresh bump, then checks that dropping it frees every chunk.
/// Returns (failures, in-place resizes).
fn run(parent: &TestAlloc, ops: &[Op]) -> (usize, usize) {
    let mut h = Harness::new(parent);
    {
        let mut bump = Bump::new_in(parent);
        bump.set_allocation_limit(NO_LIMIT);
        run_top(&mut h, &mut bump, ops);
        parent.disarm();
        bump.set_allocation_limit(NO_LIMIT);
        h.limit = NO_LIMIT;
        // Whatever happened, it still allocates.
        h.apply(&bump, &Op::Alloc { size: Size::Small(100), align_log: 3, zeroed: false });
        h.check(&bump);
    }
    parent.assert_no_leaks();
    assert_eq!(parent.stats().zero_sized, 0, "the bump asked its parent for zero bytes");
    (h.failures, h.in_place)
}

proptest! {
    #![proptest_config(config(32))]

    /// Everything at once: blocks, resets, scopes, limits and a parent that fails.
    #[test]
    fn random_sequences(ops in pvec(any_op(), 1..60)) {
        run(&TestAlloc::new(), &ops);
    }

    /// A parent that stops serving after a few chunks, and sometimes a limit: chunk
    /// acquisition fails mid-sequence, and every failure must be clean.
    #[test]
    fn chunk_acquisition_fails_midway(
        served in 0u64..4,
        limit in prop::option::of(0usize..6000),
        ops in pvec(block_op(), 1..60),
    ) {
        let parent = TestAlloc::failing(FailPlan::AllAfter(served));
        let mut ops = ops;
        if limit.is_some() {
            ops.insert(0, Op::Limit(limit));
        }
        run(&parent, &ops);
    }
}

proptest! {
    #![proptest_config(config(64))]

    /// The newest block grows in place while its chunk has room; when it has not, it
    /// moves to a new chunk (the old one then counts as filled only up to it), or, alone
    /// in its chunk, the chunk itself grows through the parent. It shrinks in place; freed,
    /// its bytes go back, and the same layout gets the same address again.
    #[test]
    fn newest_block_resizes_in_place(
        before in pvec((0usize..200, 0u8..=6), 0..8),
        size in 0usize..300,
        align_log in 0u8..=6,
        extra in 0usize..12_000,
        keep in 0usize..400,
    ) {
        let parent = TestAlloc::new();
        let owner = Bump::with_capacity_in(8192, &parent);
        // The allocator is `&Bump`.
        let bump = &owner;
        for &(s, l) in &before {
            bump.allocate(Layout::from_size_align(s, 1 << l).unwrap()).unwrap();
        }
        let layout = Layout::from_size_align(size, 1 << align_log).unwrap();
        let ptr = bump.allocate(layout).unwrap().cast::<u8>();
        // SAFETY: a fresh block of `size` bytes.
        unsafe { fill(ptr, 1, 0, size) };
        let addr = ptr.as_ptr() as usize;
        let c = current(bump).unwrap();
        prop_assert_eq!(c.top, addr + reserved_size(size), "a fresh block ends at the bump pointer");
        let requests = parent.stats().requests();

        let grown_size = size + extra;
        let grown_layout = Layout::from_size_align(grown_size, layout.align()).unwrap();
        // SAFETY: `ptr` is live with `layout`; the new size is larger.
        let grown = unsafe { bump.grow(ptr, layout, grown_layout) }.unwrap().cast::<u8>();
        assert_pattern(grown, 1, size, "grow");
        let chunks: Vec<_> = bump.chunks().collect();
        let new_top = addr + reserved_size(grown_size);
        if new_top <= c.end {
            prop_assert_eq!(grown, ptr, "room in the chunk: grown in place");
            prop_assert_eq!(parent.stats().requests(), requests, "no new chunk");
            prop_assert_eq!(current(bump).unwrap().top, new_top);
        } else if addr == c.start && layout.align() <= 16 {
            // Alone in its chunk: the chunk grew (and, over `TestAlloc`, moved).
            prop_assert_eq!(chunks.len(), 1, "{:?}", chunks);
            prop_assert_eq!(grown.as_ptr().cast_const(), chunks[0].data_start, "still at the data start");
            prop_assert_eq!(chunks[0].allocated, reserved_size(grown_size));
        } else {
            prop_assert_ne!(grown, ptr, "no room: moved");
            prop_assert_eq!(chunks.len(), 2, "{:?}", chunks);
            prop_assert_eq!(chunks[0].role, ChunkRole::Filled);
            let old_fill = addr - chunks[0].data_start as usize;
            prop_assert_eq!(chunks[0].allocated, old_fill, "the old chunk is filled up to the moved block");
            let top = chunks[1].data_start as usize + chunks[1].allocated;
            prop_assert_eq!(top, grown.as_ptr() as usize + reserved_size(grown_size));
        }
        bump.check_invariants();
        prop_assert_eq!(bump.stats().reserved, parent.live_bytes());

        // Shrink the (still newest) block in place, then free it.
        let kept = keep.min(grown_size);
        let kept_layout = Layout::from_size_align(kept, layout.align()).unwrap();
        let top = current(bump).unwrap().top;
        // SAFETY: `grown` is live with `grown_layout`; the new size is smaller.
        let shrunk = unsafe { bump.shrink(grown, grown_layout, kept_layout) }.unwrap().cast::<u8>();
        prop_assert_eq!(shrunk, grown, "shrunk in place");
        assert_pattern(shrunk, 1, kept.min(size), "shrink");
        let freed = reserved_size(grown_size) - reserved_size(kept);
        prop_assert_eq!(current(bump).unwrap().top, top - freed);

        let allocated = bump.stats().allocated;
        // SAFETY: `shrunk` is live with `kept_layout`.
        unsafe { bump.deallocate(shrunk, kept_layout) };
        let back = allocated - reserved_size(kept);
        prop_assert_eq!(bump.stats().allocated, back, "the newest block's bytes come back");
        let again = bump.allocate(kept_layout).unwrap().cast::<u8>();
        prop_assert_eq!(again, shrunk, "the same layout gets the same address");
        bump.check_invariants();
        drop(owner);
        parent.assert_no_leaks();
    }
}

/// The random sequences reach the outcomes they are meant to check: failures, in-place
/// resizes, and scopes and resets (a fixed sequence, so this cannot pass vacuously).
#[test]
fn a_fixed_sequence_reaches_every_outcome() {
    use Op::*;
    let small = |n| Alloc { size: Size::Small(n), align_log: 3, zeroed: false };
    let grow = |n| Grow { pick: Pick::Newest, by: Size::Small(n), align_log: None, zeroed: true };
    let ops = vec![
        small(40),
        grow(100),
        Shrink { pick: Pick::Newest, keep_permille: 500, align_log: Some(6) },
        Alloc { size: Size::Huge(0), align_log: 12, zeroed: false },
        Scope(vec![
            small(300),
            grow(1000),
            Scope(vec![small(2000)]),
            Dealloc { pick: Pick::Newest },
        ]),
        ParentPlan(Plan::AllAfter(0)),
        small(5000),
        ParentPlan(Plan::Never),
        ResetKeepChunks,
        small(3000),
        grow(10),
        Reset,
        Limit(Some(0)),
        small(100_000),
    ];
    let (failures, in_place) = run(&TestAlloc::new(), &ops);
    assert_eq!(failures, 3, "the huge request, the refused chunk and the limited one");
    assert!(in_place >= 2, "only {in_place} in-place resizes");
}
