//! The `Vec`, `Box` and `String` differential suites (std's collections as the model) run
//! over the arena, in four set-ups:
//!
//! - **default**: an `Arena::new()` used by nothing but the collection under test, so its
//!   buffer is usually the newest block and grows and shrinks in place;
//! - **local**: the same through a `LocalArena` handle (slabs, no atomics);
//! - **interleaved**: an arena over a counting `&TestAlloc` whose probe allocates blocks
//!   of its own between the operations. The collection's buffer is then often *not* the
//!   newest block (growth copies), and every few steps the probe fills what is left of
//!   the current chunk, so the next growth has to move to a new chunk. After every step
//!   it checks the arena's invariants and statistics against the parent, that the probe's
//!   blocks were not overwritten, and that the collection's buffer overlaps none of them;
//!   after the run, that dropping the arena gives everything back;
//! - **concurrent**: a second thread allocates, grows and frees blocks in the same arena
//!   for as long as the suite runs on the test's thread, and checks its own blocks.

use std::cell::{Cell, RefCell};
use std::mem;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;

use allockit::alloc::{Allocator, Layout};
use allockit::arena::LocalArena;
use allockit::{Arena, Vec as KVec};
use proptest::prelude::*;

use super::{Block, Rng, assert_disjoint_and_aligned};
use crate::boxed::differential as box_model;
use crate::common::drop_counter::{Tracked, TrackedZst};
use crate::common::test_alloc::TestAlloc;
use crate::common::vec_model::{self, Aligned, Big, Buffer, Case, Elem, case};
use crate::string::model as string_model;

/// Longest `Vec` operation sequence drawn.
const MAX_OPS: usize = 40;

fn config() -> ProptestConfig {
    ProptestConfig { cases: 16, ..ProptestConfig::default() }
}

/// Chunks with at most this much room left get filled up by the interleaving probe,
/// forcing the next allocation into a new chunk; roomier ones are left alone so memory
/// stays small.
const FILL_UP_TO: usize = 4096;

/// The room left in `arena`'s current chunk if it is at most `max` bytes, found without
/// taking a chunk: under an allocation limit equal to what the arena holds, a request
/// succeeds exactly when it fits the current chunk, and the newest block's free rolls it
/// back (which this checks too).
fn room_up_to<P: Allocator>(arena: &Arena<P>, max: usize) -> Option<usize> {
    let limit = arena.allocation_limit();
    let before = arena.stats();
    arena.set_allocation_limit(Some(before.reserved));
    let fits = |size: usize| {
        let layout = Layout::from_size_align(size, 1).unwrap();
        match arena.allocate(layout) {
            Ok(block) => {
                // SAFETY: just allocated with `layout`, not used.
                unsafe { arena.deallocate(block.cast(), layout) };
                assert_eq!(arena.stats(), before, "freeing the newest block rolls it back");
                true
            }
            Err(_) => {
                assert_eq!(arena.stats(), before, "a refused request changed the arena");
                false
            }
        }
    };
    let room = if fits(max + 1) {
        None
    } else {
        // `lo` fits, `hi` does not.
        let (mut lo, mut hi) = (0, max + 1);
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if fits(mid) { lo = mid } else { hi = mid }
        }
        Some(lo)
    };
    arena.set_allocation_limit(limit);
    room
}

/// The "interleaved" set-up: an arena over a counting parent, and a probe that allocates
/// between the steps of the collection under test and checks everything it can.
struct Interleave<'b> {
    parent: &'b TestAlloc,
    arena: &'b Arena<&'b TestAlloc>,
    steps: Cell<usize>,
    /// The probe's own blocks, each filled with its pattern.
    blocks: RefCell<Vec<Block>>,
    /// How often the probe filled a chunk up (each one forces a chunk switch).
    fills: Cell<usize>,
}

impl<'b> Interleave<'b> {
    fn new(parent: &'b TestAlloc, arena: &'b Arena<&'b TestAlloc>) -> Self {
        Interleave {
            parent,
            arena,
            steps: Cell::new(0),
            blocks: RefCell::new(Vec::new()),
            fills: Cell::new(0),
        }
    }

    /// Allocates a block of `size` bytes aligned to `align` and fills it with its pattern.
    fn alloc_block(&self, size: usize, align: usize) {
        let mut blocks = self.blocks.borrow_mut();
        let layout = Layout::from_size_align(size, align).unwrap();
        let ptr = self.arena.allocate(layout).expect("the probe's block").cast::<u8>();
        let block = Block { ptr, len: size, align, tag: blocks.len() as u64 };
        // SAFETY: `size` fresh bytes that only the probe uses, valid until the arena is
        // reset or dropped, which needs `&mut` and so outlives 'b.
        unsafe { block.fill() };
        blocks.push(block);
    }

    /// The checks after a step (`owned`: the collection's buffer, if it has one), then
    /// the probe's own allocation for this step.
    fn step(&self, owned: Option<(*const u8, usize)>) {
        let arena = self.arena;
        arena.check_invariants();
        let stats = arena.stats();
        assert!(stats.allocated <= stats.capacity, "{stats:?}");
        assert!(stats.capacity < stats.reserved || stats.chunks == 0, "{stats:?}");
        assert_eq!(stats.reserved, self.parent.live_bytes(), "reserved vs. the parent's bytes");
        assert_eq!(stats.chunks, self.parent.stats().live_blocks, "one parent block per chunk");
        {
            let blocks = self.blocks.borrow();
            for block in blocks.iter() {
                // SAFETY: the probe's blocks are alive (see `alloc_block`) and only read.
                unsafe { block.check() };
            }
            let mut all = blocks.clone();
            if let Some((ptr, len)) = owned.filter(|&(_, len)| len != 0) {
                let ptr = std::ptr::NonNull::new(ptr.cast_mut()).unwrap();
                all.push(Block { ptr, len, align: 1, tag: u64::MAX });
            }
            assert_disjoint_and_aligned(&all);
        }

        let step = self.steps.get();
        self.steps.set(step + 1);
        match step % 4 {
            // Leave the collection's buffer the newest block: it grows in place.
            0 => {}
            1 | 2 => self.alloc_block(1 + step * 13 % 40, 1 << (step % 4)),
            _ => {
                if let Some(room) = room_up_to(arena, FILL_UP_TO).filter(|&r| r > 0) {
                    self.alloc_block(room, 1);
                    assert_eq!(arena.stats().chunks, stats.chunks, "an exact fit took a chunk");
                    assert_eq!(room_up_to(arena, FILL_UP_TO), Some(0), "the fill left room");
                    self.fills.set(self.fills.get() + 1);
                }
            }
        }
    }
}

/// Runs `f` with a fresh interleaved set-up, then checks that dropping the arena gives
/// every chunk back to the parent. Returns how many chunk fills the probe did.
fn interleaved(f: impl FnOnce(&Interleave<'_>)) -> usize {
    let parent = TestAlloc::new();
    let fills;
    {
        let arena = Arena::new_in(&parent);
        let probe = Interleave::new(&parent, &arena);
        f(&probe);
        probe.step(None);
        fills = probe.fills.get();
    }
    parent.assert_no_leaks();
    assert_eq!(parent.stats().zero_sized, 0, "the arena asked its parent for zero bytes");
    fills
}

/// What the neighbour thread of the concurrent set-up did.
struct NeighbourReport {
    ops: usize,
    blocks: Vec<Block>,
}

/// Sets the flag when dropped, so that a panicking test still stops its neighbour (the
/// thread scope would otherwise wait for it forever).
struct StopOnDrop<'f>(&'f AtomicBool);

impl Drop for StopOnDrop<'_> {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Release);
    }
}

/// The neighbour: until `stop` is set, allocates blocks (fills them, checks them), grows
/// and frees its newest one, and grows a `Vec<u32, &Arena>`, all in `arena`. Sets
/// `started` after its first block. Keeps at most a few hundred blocks, then checks and
/// forgets them.
fn neighbour(arena: &Arena, started: &AtomicBool, stop: &AtomicBool) -> NeighbourReport {
    let mut rng = Rng::new(0xA5EA);
    let mut blocks: Vec<Block> = Vec::new();
    let mut ops = 0;
    let mut numbers: KVec<u32, &Arena> = KVec::new_in(arena);
    while !stop.load(Ordering::Acquire) || ops == 0 {
        ops += 1;
        match rng.range(0, 9) {
            0..=5 => {
                let (len, align) = (rng.range(1, 64), 1 << rng.range(0, 4));
                let layout = Layout::from_size_align(len, align).unwrap();
                let ptr = arena.allocate(layout).expect("no limit").cast::<u8>();
                let block = Block { ptr, len, align, tag: ops as u64 };
                // SAFETY: fresh, ours until the arena is reset or dropped.
                unsafe { block.fill() };
                blocks.push(block);
            }
            6 | 7 => {
                if let Some(block) = blocks.pop() {
                    // SAFETY: our live block, still holding its pattern.
                    unsafe { block.check() };
                    let old = Layout::from_size_align(block.len, block.align).unwrap();
                    if rng.chance(50) {
                        // SAFETY: `block` was allocated with `old` and is given up.
                        unsafe { arena.deallocate(block.ptr, old) };
                    } else {
                        let new = Layout::from_size_align(block.len * 2, block.align).unwrap();
                        // SAFETY: as above; the new layout is larger.
                        let ptr = unsafe { arena.grow(block.ptr, old, new) }.unwrap().cast();
                        let grown = Block { ptr, len: new.size(), ..block };
                        // SAFETY: the grown block is ours; its prefix was kept.
                        unsafe {
                            grown.check_prefix(block.len);
                            grown.fill_from(block.len);
                        }
                        blocks.push(grown);
                    }
                }
            }
            _ => {
                numbers.push(ops as u32);
                if numbers.len() > 512 {
                    assert!(numbers.windows(2).all(|w| w[0] < w[1]), "the numbers changed");
                    numbers = KVec::new_in(arena);
                }
            }
        }
        if blocks.len() > 300 {
            for block in &blocks {
                // SAFETY: our live blocks.
                unsafe { block.check() };
            }
            blocks.clear();
        }
        if ops == 1 {
            started.store(true, Ordering::Release);
        }
    }
    assert!(numbers.windows(2).all(|w| w[0] < w[1]), "the numbers changed");
    NeighbourReport { ops, blocks }
}

/// Runs `f` on this thread while a neighbour thread allocates from the same arena; then
/// checks the neighbour's blocks and the arena's invariants.
fn concurrent(f: impl FnOnce(&Arena)) {
    let arena = Arena::new();
    let (started, stop) = (AtomicBool::new(false), AtomicBool::new(false));
    let report = thread::scope(|s| {
        let _stop = StopOnDrop(&stop);
        let worker = s.spawn(|| neighbour(&arena, &started, &stop));
        while !started.load(Ordering::Acquire) && !worker.is_finished() {
            std::hint::spin_loop();
        }
        f(&arena);
        stop.store(true, Ordering::Release);
        worker.join().expect("the neighbour thread panicked")
    });
    assert!(report.ops > 0);
    for block in &report.blocks {
        // SAFETY: the neighbour's blocks are alive (the arena is) and no one writes them.
        unsafe { block.check() };
    }
    assert_disjoint_and_aligned(&report.blocks);
    arena.check_invariants();
    let stats = arena.stats();
    assert!(stats.allocated <= stats.capacity, "{stats:?}");
}

// ---------------------------------------------------------------------------------------
// Vec
// ---------------------------------------------------------------------------------------

/// The buffer the driver says the vector owns must be aligned for its layout.
fn check_buffer(buf: Buffer) {
    if let Some(layout) = buf.layout {
        assert_eq!(buf.ptr as usize % layout.align(), 0, "misaligned buffer");
    }
}

fn vec_default<T: Elem>(c: &Case) {
    let arena = Arena::new();
    vec_model::run::<T, &Arena>(&arena, c, &|buf| {
        check_buffer(buf);
        arena.check_invariants();
    });
    arena.check_invariants();
    if mem::size_of::<T>() == 0 {
        assert_eq!(arena.stats().chunks, 0, "a vector of a zero-sized type used the arena");
    }
}

fn vec_local<T: Elem>(c: &Case) {
    let arena = Arena::new();
    {
        let local = arena.local();
        vec_model::run::<T, &LocalArena>(&local, c, &|buf| {
            check_buffer(buf);
            arena.check_invariants();
        });
    }
    arena.check_invariants();
    if mem::size_of::<T>() == 0 {
        assert_eq!(arena.stats().chunks, 0, "a vector of a zero-sized type used the arena");
    }
}

fn vec_interleaved<T: Elem>(c: &Case) {
    interleaved(|probe| {
        vec_model::run::<T, &Arena<&TestAlloc>>(probe.arena, c, &|buf| {
            check_buffer(buf);
            probe.step(buf.layout.map(|l| (buf.ptr, l.size())));
        });
    });
}

fn vec_concurrent<T: Elem>(c: &Case) {
    concurrent(|arena| vec_model::run::<T, &Arena>(arena, c, &check_buffer));
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn vec_u8_default(c in case(MAX_OPS)) { vec_default::<u8>(&c) }
    #[test]
    fn vec_u8_local(c in case(MAX_OPS)) { vec_local::<u8>(&c) }
    #[test]
    fn vec_u8_interleaved(c in case(MAX_OPS)) { vec_interleaved::<u8>(&c) }
    #[test]
    fn vec_u8_concurrent(c in case(MAX_OPS)) { vec_concurrent::<u8>(&c) }

    #[test]
    fn vec_u64_default(c in case(MAX_OPS)) { vec_default::<u64>(&c) }
    #[test]
    fn vec_u64_local(c in case(MAX_OPS)) { vec_local::<u64>(&c) }
    #[test]
    fn vec_u64_interleaved(c in case(MAX_OPS)) { vec_interleaved::<u64>(&c) }

    #[test]
    fn vec_string_default(c in case(MAX_OPS)) { vec_default::<String>(&c) }
    #[test]
    fn vec_string_local(c in case(MAX_OPS)) { vec_local::<String>(&c) }
    #[test]
    fn vec_string_interleaved(c in case(MAX_OPS)) { vec_interleaved::<String>(&c) }

    #[test]
    fn vec_tracked_default(c in case(MAX_OPS)) { vec_default::<Tracked>(&c) }
    #[test]
    fn vec_tracked_local(c in case(MAX_OPS)) { vec_local::<Tracked>(&c) }
    #[test]
    fn vec_tracked_interleaved(c in case(MAX_OPS)) { vec_interleaved::<Tracked>(&c) }
    #[test]
    fn vec_tracked_concurrent(c in case(MAX_OPS)) { vec_concurrent::<Tracked>(&c) }

    #[test]
    fn vec_zst_default(c in case(MAX_OPS)) { vec_default::<TrackedZst>(&c) }
    #[test]
    fn vec_zst_local(c in case(MAX_OPS)) { vec_local::<TrackedZst>(&c) }
    #[test]
    fn vec_zst_interleaved(c in case(MAX_OPS)) { vec_interleaved::<TrackedZst>(&c) }

    #[test]
    fn vec_big_default(c in case(MAX_OPS)) { vec_default::<Big>(&c) }
    #[test]
    fn vec_big_local(c in case(MAX_OPS)) { vec_local::<Big>(&c) }
    #[test]
    fn vec_big_interleaved(c in case(MAX_OPS)) { vec_interleaved::<Big>(&c) }
    #[test]
    fn vec_big_concurrent(c in case(MAX_OPS)) { vec_concurrent::<Big>(&c) }

    #[test]
    fn vec_aligned_default(c in case(MAX_OPS)) { vec_default::<Aligned>(&c) }
    #[test]
    fn vec_aligned_local(c in case(MAX_OPS)) { vec_local::<Aligned>(&c) }
    #[test]
    fn vec_aligned_interleaved(c in case(MAX_OPS)) { vec_interleaved::<Aligned>(&c) }
    #[test]
    fn vec_aligned_concurrent(c in case(MAX_OPS)) { vec_concurrent::<Aligned>(&c) }
}

/// The interleaved set-up really switches chunks: the probe fills several chunks up, and
/// the vector ends up spread over many.
#[test]
fn interleaving_forces_chunk_switches() {
    use crate::common::vec_model::Op;
    let c = Case { init_cap: 0, ops: (0..40).map(|i| Op::Push(i as u8 % 8)).collect() };
    let mut chunks = 0;
    let fills = interleaved(|probe| {
        vec_model::run::<u64, &Arena<&TestAlloc>>(probe.arena, &c, &|buf| {
            check_buffer(buf);
            probe.step(buf.layout.map(|l| (buf.ptr, l.size())));
        });
        chunks = probe.arena.stats().chunks;
    });
    assert!(fills >= 3, "the probe filled only {fills} chunks");
    assert!(chunks >= 4, "only {chunks} chunks were used");
}

// ---------------------------------------------------------------------------------------
// String
// ---------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    #[test]
    fn string_default(case in string_model::any_case()) {
        let arena = Arena::new();
        string_model::run(&arena, &case, &|_| arena.check_invariants());
        arena.check_invariants();
    }

    #[test]
    fn string_local(case in string_model::any_case()) {
        let arena = Arena::new();
        {
            let local = arena.local();
            string_model::run(&local, &case, &|_| arena.check_invariants());
        }
        arena.check_invariants();
    }

    #[test]
    fn string_interleaved(case in string_model::any_case()) {
        interleaved(|probe| {
            string_model::run(probe.arena, &case, &|s| {
                probe.step(Some((s.as_ptr(), s.capacity())));
            });
        });
    }

    #[test]
    fn string_concurrent(case in string_model::any_case()) {
        concurrent(|arena| string_model::run(arena, &case, &|_| {}));
    }
}

// ---------------------------------------------------------------------------------------
// Box
// ---------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    #[test]
    fn box_default(ops in box_model::ops()) {
        let arena = Arena::new();
        box_model::run_in(&arena, &ops, &|| arena.check_invariants());
        arena.check_invariants();
    }

    #[test]
    fn box_local(ops in box_model::ops()) {
        let arena = Arena::new();
        {
            let local = arena.local();
            box_model::run_in(&local, &ops, &|| arena.check_invariants());
        }
        arena.check_invariants();
    }

    #[test]
    fn box_interleaved(ops in box_model::ops()) {
        interleaved(|probe| box_model::run_in(probe.arena, &ops, &|| probe.step(None)));
    }

    #[test]
    fn box_concurrent(ops in box_model::ops()) {
        concurrent(|arena| box_model::run_in(arena, &ops, &|| {}));
    }
}
