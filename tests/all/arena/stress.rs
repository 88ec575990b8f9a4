//! Threads hammering one arena.
//!
//! Each worker thread allocates thousands of blocks of random sizes and alignments
//! (through `&Arena`, or through its own `LocalArena`), fills each with a pattern of its
//! own, and randomly grows, shrinks and frees its newest block or frees any block. Before
//! giving a block up, growing or shrinking it, the worker checks its pattern; a grown
//! block must keep its prefix. Every [`PHASE`] steps all workers meet: one of them checks
//! the arena's invariants (nobody allocates then) and every live block of every worker:
//! pattern intact, aligned, and no two overlapping.
//!
//! Variants: the plain arena; `LocalArena` handles; a parent that only hands out small
//! chunks, with blocks of 1–3 KiB, so chunks switch thousands of times; an allocation
//! limit (failures must be clean `AllocError`s, `reserved` never above the limit);
//! `Vec<u64, &Arena>`s growing on several threads at once; statistics read while threads
//! allocate.
//!
//! Seeds are fixed; each test runs well under two seconds in a debug build.

use std::mem;
use std::ptr::NonNull;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::thread;

use allockit::alloc::{AllocError, Allocator, Global, Layout};
use allockit::{Arena, Vec as KVec};

use super::{Block, Rng, assert_disjoint_and_aligned};

const THREADS: usize = 4;
/// Steps between two meetings of the workers.
const PHASE: usize = 1000;
/// A worker frees blocks at random once it holds more than this many.
const MAX_LIVE: usize = 400;

/// Sizes and alignments a worker draws.
#[derive(Clone, Copy, Debug)]
struct Shape {
    min: usize,
    max: usize,
    /// Percent of requests drawn from `max..=big` instead.
    big_percent: u64,
    big: usize,
    /// Alignments are `1 << 0..=max_align_log`...
    max_align_log: usize,
    /// ...except this percent, aligned to 4096.
    page_percent: u64,
}

/// Small blocks, a few large ones, alignments up to 64 and now and then 4096.
const MIXED: Shape =
    Shape { min: 1, max: 256, big_percent: 2, big: 8192, max_align_log: 6, page_percent: 1 };

/// Blocks of 1–3 KiB, which fill small chunks in a few requests.
const KIB: Shape =
    Shape { min: 1024, max: 3072, big_percent: 0, big: 3072, max_align_log: 6, page_percent: 0 };

/// A barrier whose waiters give up (panic) when another worker has panicked, so a failing
/// check fails the test instead of hanging it.
struct Meeting {
    n: usize,
    arrived: AtomicUsize,
    generation: AtomicUsize,
    abort: AtomicBool,
    published: Mutex<Vec<Block>>,
}

impl Meeting {
    fn new(n: usize) -> Self {
        Meeting {
            n,
            arrived: AtomicUsize::new(0),
            generation: AtomicUsize::new(0),
            abort: AtomicBool::new(false),
            published: Mutex::new(Vec::new()),
        }
    }

    /// Waits for all `n` workers; returns true in exactly one of them.
    fn wait(&self) -> bool {
        let generation = self.generation.load(Ordering::Acquire);
        if self.arrived.fetch_add(1, Ordering::AcqRel) + 1 == self.n {
            self.arrived.store(0, Ordering::Relaxed);
            self.generation.fetch_add(1, Ordering::Release);
            return true;
        }
        while self.generation.load(Ordering::Acquire) == generation {
            assert!(!self.abort.load(Ordering::Acquire), "another worker failed");
            thread::yield_now();
        }
        false
    }

    /// Publishes `mine`, and once all workers have, lets one run `check` on all the
    /// blocks while the others wait.
    fn meet(&self, mine: &[Block], check: &(dyn Fn(&[Block]) + Sync)) {
        self.published.lock().unwrap_or_else(PoisonError::into_inner).extend_from_slice(mine);
        if self.wait() {
            let all =
                mem::take(&mut *self.published.lock().unwrap_or_else(PoisonError::into_inner));
            check(&all);
        }
        self.wait();
    }
}

/// Tells the other workers to give up if this one panics.
struct AbortOnPanic<'m>(&'m Meeting);

impl Drop for AbortOnPanic<'_> {
    fn drop(&mut self) {
        if thread::panicking() {
            self.0.abort.store(true, Ordering::Release);
        }
    }
}

/// Checks every block's pattern, alignment and that none overlap.
fn check_blocks(blocks: &[Block]) {
    for block in blocks {
        // SAFETY: every published block is live, and its owner waits while we read.
        unsafe { block.check() };
    }
    assert_disjoint_and_aligned(blocks);
}

/// One worker's state: its allocator handle and its live blocks, newest last.
struct Worker<H> {
    alloc: H,
    rng: Rng,
    shape: Shape,
    tag_base: u64,
    made: u64,
    blocks: Vec<Block>,
    allocations: usize,
    failures: usize,
}

impl<H: Allocator + Copy> Worker<H> {
    fn new(alloc: H, thread: usize, shape: Shape) -> Self {
        Worker {
            alloc,
            rng: Rng::new(0x5EED_0000 + thread as u64),
            shape,
            tag_base: (thread as u64) << 40,
            made: 0,
            blocks: Vec::new(),
            allocations: 0,
            failures: 0,
        }
    }

    fn draw_layout(&mut self) -> Layout {
        let s = self.shape;
        let size = if self.rng.chance(s.big_percent) {
            self.rng.range(s.max, s.big)
        } else {
            self.rng.range(s.min, s.max)
        };
        let align = if self.rng.chance(s.page_percent) {
            4096
        } else {
            1 << self.rng.range(0, s.max_align_log)
        };
        Layout::from_size_align(size, align).unwrap()
    }

    fn allocate(&mut self) {
        let layout = self.draw_layout();
        match self.alloc.allocate(layout) {
            Ok(block) => {
                assert!(block.len() >= layout.size());
                let ptr = block.cast::<u8>();
                self.made += 1;
                let b = Block {
                    ptr,
                    len: layout.size(),
                    align: layout.align(),
                    tag: self.tag_base | self.made,
                };
                assert_eq!(ptr.as_ptr() as usize % layout.align(), 0, "misaligned {b:?}");
                // SAFETY: a fresh block of `len` bytes, ours until freed.
                unsafe { b.fill() };
                self.blocks.push(b);
                self.allocations += 1;
            }
            Err(AllocError) => self.failures += 1,
        }
    }

    fn layout_of(b: &Block) -> Layout {
        Layout::from_size_align(b.len, b.align).unwrap()
    }

    fn grow_newest(&mut self) {
        let Some(b) = self.blocks.pop() else { return };
        // SAFETY: our live block.
        unsafe { b.check() };
        let limit = self.shape.big.max(self.shape.max);
        let len = (b.len + self.rng.range(1, self.shape.max)).min(limit);
        if len <= b.len {
            self.blocks.push(b);
            return;
        }
        let align = if self.rng.chance(20) { (b.align * 2).min(256) } else { b.align };
        let new = Layout::from_size_align(len, align).unwrap();
        // SAFETY: `b` is live with its layout, and the new size is larger.
        match unsafe { self.alloc.grow(b.ptr, Self::layout_of(&b), new) } {
            Ok(block) => {
                let grown = Block { ptr: block.cast(), len, align, tag: b.tag };
                assert_eq!(grown.ptr.as_ptr() as usize % align, 0, "misaligned {grown:?}");
                // SAFETY: the grown block is ours; its prefix must be `b`'s contents.
                unsafe {
                    grown.check_prefix(b.len);
                    grown.fill_from(b.len);
                }
                self.blocks.push(grown);
            }
            Err(AllocError) => {
                // SAFETY: a failed grow leaves `b` as it was.
                unsafe { b.check() };
                self.blocks.push(b);
                self.failures += 1;
            }
        }
    }

    fn shrink_newest(&mut self) {
        let Some(b) = self.blocks.pop() else { return };
        let len = self.rng.range(1, b.len);
        let new = Layout::from_size_align(len, b.align).unwrap();
        // SAFETY: `b` is live with its layout, and the new size is not larger.
        let block = unsafe { self.alloc.shrink(b.ptr, Self::layout_of(&b), new) }
            .expect("a shrink to the same alignment cannot fail");
        let shrunk = Block { ptr: block.cast(), len, ..b };
        // SAFETY: the shrunk block is ours and keeps the first `len` bytes.
        unsafe { shrunk.check() };
        self.blocks.push(shrunk);
    }

    fn free(&mut self, b: Block) {
        // SAFETY: our live block, given up here with its layout.
        unsafe {
            b.check();
            self.alloc.deallocate(b.ptr, Self::layout_of(&b));
        }
    }

    fn free_newest(&mut self) {
        if let Some(b) = self.blocks.pop() {
            self.free(b);
        }
    }

    fn free_any(&mut self) {
        if !self.blocks.is_empty() {
            let i = self.rng.range(0, self.blocks.len() - 1);
            let b = self.blocks.swap_remove(i);
            self.free(b);
        }
    }

    fn step(&mut self) {
        match self.rng.range(0, 99) {
            0..=54 => self.allocate(),
            55..=69 => self.grow_newest(),
            70..=79 => self.shrink_newest(),
            80..=89 => self.free_newest(),
            _ => self.free_any(),
        }
        while self.blocks.len() > MAX_LIVE {
            self.free_any();
        }
    }

    /// Runs `steps` steps, meeting the others every `PHASE` steps and once at the end;
    /// `monitor` runs every 100 steps.
    fn run(
        &mut self,
        steps: usize,
        meeting: &Meeting,
        check: &(dyn Fn(&[Block]) + Sync),
        monitor: &dyn Fn(),
    ) {
        let _abort = AbortOnPanic(meeting);
        for i in 1..=steps {
            self.step();
            if i % 100 == 0 {
                monitor();
            }
            if i % PHASE == 0 {
                meeting.meet(&self.blocks, check);
            }
        }
        meeting.meet(&self.blocks, check);
    }
}

/// What a worker reports: its live blocks, and how many allocations succeeded and failed.
struct Report {
    blocks: Vec<Block>,
    allocations: usize,
    failures: usize,
}

/// Runs `THREADS` workers over `&arena` with `shape` for `steps` steps each.
fn run_over_arena<P: Allocator + Send + Sync>(
    arena: &Arena<P>,
    shape: Shape,
    steps: usize,
    check: &(dyn Fn(&[Block]) + Sync),
    monitor: &(dyn Fn() + Sync),
) -> Vec<Report> {
    let meeting = Meeting::new(THREADS);
    thread::scope(|s| {
        let workers: Vec<_> = (0..THREADS)
            .map(|t| {
                let meeting = &meeting;
                s.spawn(move || {
                    let mut w = Worker::new(arena, t, shape);
                    w.run(steps, meeting, check, monitor);
                    Report { blocks: w.blocks, allocations: w.allocations, failures: w.failures }
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().expect("a worker panicked")).collect()
    })
}

/// The checks at each meeting: the arena's invariants and every block.
fn meeting_check<P: Allocator>(arena: &Arena<P>) -> impl Fn(&[Block]) + Sync + '_
where
    Arena<P>: Sync,
{
    move |blocks| {
        arena.check_invariants();
        let s = arena.stats();
        assert!(s.allocated <= s.capacity && s.capacity < s.reserved, "{s:?}");
        let live: usize = blocks.iter().map(|b| b.len).sum();
        assert!(live <= s.allocated, "{live} live bytes, {s:?}");
        check_blocks(blocks);
    }
}

/// The checks after the workers are done: everything every worker still holds.
fn final_check<P: Allocator>(arena: &Arena<P>, reports: &[Report]) {
    let all: Vec<Block> = reports.iter().flat_map(|r| r.blocks.iter().copied()).collect();
    check_blocks(&all);
    arena.check_invariants();
}

#[test]
fn threads_allocate_grow_and_free_through_the_arena() {
    let arena = Arena::new();
    let reports = run_over_arena(&arena, MIXED, 10_000, &meeting_check(&arena), &|| {});
    final_check(&arena, &reports);
    for r in &reports {
        assert!(r.allocations > 5000, "{}", r.allocations);
        assert_eq!(r.failures, 0);
    }
}

#[test]
fn threads_allocate_through_their_own_local_arenas() {
    let arena = Arena::new();
    let meeting = Meeting::new(THREADS);
    let check = meeting_check(&arena);
    let counts: Vec<usize> = thread::scope(|s| {
        let workers: Vec<_> = (0..THREADS)
            .map(|t| {
                let (meeting, check, arena) = (&meeting, &check, &arena);
                s.spawn(move || {
                    let local = arena.local();
                    let mut w = Worker::new(&local, t, MIXED);
                    w.run(10_000, meeting, check, &|| {});
                    assert_eq!(w.failures, 0);
                    w.allocations
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().expect("a worker panicked")).collect()
    });
    assert!(counts.iter().all(|&c| c > 5000), "{counts:?}");
    arena.check_invariants();
}

/// A parent that refuses blocks over `max` bytes, so an arena over it keeps taking small
/// chunks; it counts what it has live.
struct SmallChunks {
    max: usize,
    live_bytes: AtomicUsize,
    live_blocks: AtomicUsize,
}

// SAFETY: every block comes from `Global` with the same layout and goes back to it.
unsafe impl Allocator for SmallChunks {
    fn allocate(&self, layout: Layout) -> Result<NonNull<[u8]>, AllocError> {
        if layout.size() > self.max {
            return Err(AllocError);
        }
        let block = Global.allocate(layout)?;
        self.live_bytes.fetch_add(layout.size(), Ordering::Relaxed);
        self.live_blocks.fetch_add(1, Ordering::Relaxed);
        Ok(block)
    }

    unsafe fn deallocate(&self, ptr: NonNull<u8>, layout: Layout) {
        self.live_bytes.fetch_sub(layout.size(), Ordering::Relaxed);
        self.live_blocks.fetch_sub(1, Ordering::Relaxed);
        // SAFETY: allocated above by `Global` with `layout` (caller's contract).
        unsafe { Global.deallocate(ptr, layout) };
    }
}

#[test]
fn threads_switch_small_chunks_thousands_of_times() {
    let parent = SmallChunks {
        max: 8192,
        live_bytes: AtomicUsize::new(0),
        live_blocks: AtomicUsize::new(0),
    };
    {
        let arena = Arena::new_in(&parent);
        let reports = run_over_arena(&arena, KIB, 3000, &meeting_check(&arena), &|| {});
        final_check(&arena, &reports);
        assert!(reports.iter().all(|r| r.failures == 0));
        let s = arena.stats();
        assert!(s.chunks >= 1000, "only {} chunks", s.chunks);
        assert_eq!(s.reserved, parent.live_bytes.load(Ordering::Relaxed));
        assert_eq!(s.chunks, parent.live_blocks.load(Ordering::Relaxed));
    }
    assert_eq!(parent.live_blocks.load(Ordering::Relaxed), 0, "dropping the arena freed all");
    assert_eq!(parent.live_bytes.load(Ordering::Relaxed), 0);
}

#[test]
fn threads_at_the_allocation_limit_fail_cleanly() {
    const LIMIT: usize = 4 << 20;
    let arena = Arena::new();
    arena.set_allocation_limit(Some(LIMIT));
    let check = |blocks: &[Block]| {
        meeting_check(&arena)(blocks);
        assert!(arena.stats().reserved <= LIMIT);
    };
    let monitor = || {
        let s = arena.stats();
        assert!(s.reserved <= LIMIT, "{s:?}");
        assert!(s.allocated <= s.capacity, "{s:?}");
    };
    let shape = Shape { min: 1, max: 512, big_percent: 2, big: 64 << 10, ..MIXED };
    let reports = run_over_arena(&arena, shape, 6000, &check, &monitor);
    final_check(&arena, &reports);
    let failures: usize = reports.iter().map(|r| r.failures).sum();
    assert!(failures > 100, "the limit was hardly reached: {failures} failures");
    let allocations: usize = reports.iter().map(|r| r.allocations).sum();
    assert!(allocations > 2000, "only {allocations} allocations succeeded");
    let s = arena.stats();
    assert!(s.reserved <= LIMIT && s.reserved > LIMIT / 2, "{s:?}");
    // Lifting the limit makes the same request succeed.
    arena.set_allocation_limit(None);
    assert!((&arena).allocate(Layout::from_size_align(LIMIT, 8).unwrap()).is_ok());
}

#[test]
fn vecs_grow_on_several_threads_at_once() {
    const LEN: u64 = 20_000;
    let arena = Arena::new();
    let vecs: Vec<KVec<u64, &Arena>> = thread::scope(|s| {
        let workers: Vec<_> = (0..THREADS as u64)
            .map(|t| {
                let arena = &arena;
                s.spawn(move || {
                    let mut vs: Vec<KVec<u64, &Arena>> =
                        (0..3).map(|_| KVec::new_in(arena)).collect();
                    for i in 0..LEN {
                        for (k, v) in vs.iter_mut().enumerate() {
                            v.push(((t * 3 + k as u64) << 32) | i);
                        }
                    }
                    vs
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().unwrap()).collect()
    });
    let mut spans = Vec::new();
    for (n, v) in vecs.iter().enumerate() {
        assert!(v.iter().copied().eq((0..LEN).map(|i| ((n as u64) << 32) | i)), "vector {n}");
        assert_eq!(v.as_ptr() as usize % 8, 0);
        spans.push((v.as_ptr() as usize, v.capacity() * 8));
    }
    spans.sort_unstable();
    assert!(spans.windows(2).all(|w| w[0].0 + w[0].1 <= w[1].0), "two buffers overlap");
    let s = arena.stats();
    assert!(s.allocated >= vecs.iter().map(|v| v.capacity() * 8).sum::<usize>());
    arena.check_invariants();
}

#[test]
fn statistics_read_while_threads_allocate() {
    let arena = Arena::new();
    let done = AtomicUsize::new(0);
    thread::scope(|s| {
        for t in 0..3u64 {
            let (arena, done) = (&arena, &done);
            s.spawn(move || {
                for i in 0..20_000 {
                    arena.alloc((t << 32) | i);
                    if i % 7 == 0 {
                        arena.alloc_str("seven");
                    }
                }
                done.fetch_add(1, Ordering::Release);
            });
        }
        // Reads until every writer is done, and once more after: on a loaded machine the
        // writers may all finish before this thread runs (it once did, and a check that
        // at least one read happened failed), so the loop checks its condition last.
        let mut last = allockit::arena::Stats::default();
        loop {
            let finished = done.load(Ordering::Acquire) == 3;
            let s = arena.stats();
            assert!(s.allocated <= s.capacity, "{s:?}");
            assert!(s.chunks == 0 || s.capacity < s.reserved, "{s:?}");
            assert!(s.reserved >= last.reserved && s.chunks >= last.chunks, "{last:?} -> {s:?}");
            last = s;
            if finished {
                break;
            }
        }
    });
    let s = arena.stats();
    assert!(s.allocated >= 3 * (20_000 * 8 + 2858 * 5), "{s:?}");
    arena.check_invariants();
}
