//! A guided tour of allockit: run it with `cargo run --example tour`.
//!
//! Each section is one small function that prints what it does and why. Most of them put
//! a collection over [`Tracing`], an allocator defined below that forwards every call to
//! the global heap and prints the call as it happens, so you can watch the allocator
//! traffic behind ordinary `Vec` operations:
//!
//! 1. `Vec<u64>` growing over `Global`, the global heap;
//! 2. the same pushes over the tracing allocator: one `allocate`, then a `grow` per
//!    doubling;
//! 3. choosing the capacity yourself: `reserve_exact`, `shrink_to_fit`, and
//!    `try_reserve` returning an error instead of aborting;
//! 4. zero-sized elements, which never allocate;
//! 5. dropping a `Vec`: first the elements, then the memory;
//! 6. a `Vec` in a [`Bump`]: the newest block grows in place, an older one is copied;
//! 7. the bump's chunks, a scope that gives memory back, and the two resets;
//! 8. an [`Arena`] that threads share, and a `LocalArena` per thread;
//! 9. a [`Pool`]: boxed nodes freed and reused through a free list;
//! 10. a summary of every call the tracing allocator saw.
//!
//! Colour is used only when stdout is a terminal (and `NO_COLOR` is not set).
#![cfg_attr(feature = "nightly", feature(allocator_api))]

use std::cell::Cell;
use std::fmt;
use std::io::{self, IsTerminal, Write};
use std::mem::size_of;
use std::ptr::NonNull;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

use allockit::alloc::{AllocError, Allocator, Global, Layout};
use allockit::bump::ChunkInfo;
use allockit::wrappers::Counting;
use allockit::{Arena, Box, Bump, Pool, Vec};

fn main() {
    init_colour();
    println!("{}allockit tour{}", style(BOLD), style(RESET));
    say("Collections generic over an allocator, watched one allocator call at a time.");

    let tracer = Tracing::new(Global);
    vec_over_global();
    vec_over_tracer(&tracer);
    vec_capacity_control(&tracer);
    vec_zero_sized(&tracer);
    vec_drop_order(&tracer);
    bump_vec_in_place();
    bump_chunks_scopes_resets();
    arena_threads();
    pool_reuse();
    summary(&tracer);
}

// ----------------------------------------------------------------------------------------
// The sections
// ----------------------------------------------------------------------------------------

/// A `Vec<u64>` over `Global`, printing `len` and `capacity` each time it grows.
fn vec_over_global() {
    section("Vec<u64> over Global, the global heap");
    say("A new Vec has capacity 0 and owns no memory. When a push finds it full, it grows");
    say("to max(2 x capacity, len + 1, 4): doubling, with a minimum of 4 for 8-byte items.");
    println!();

    let mut v: Vec<u64> = Vec::new();
    let mut growths = 0;
    for i in 1..=20 {
        let before = v.capacity();
        v.push(i);
        if v.capacity() != before {
            growths += 1;
            println!(
                "   push {i:>2}   len {:>2}   capacity {:>2} -> {:>2}",
                v.len(),
                before,
                v.capacity()
            );
        }
    }
    result(format_args!(
        "20 pushes, {growths} growths: len {}, capacity {}",
        v.len(),
        v.capacity()
    ));
}

/// The same pushes over the tracing allocator: the allocator sees one `allocate`,
/// then one `grow` per doubling, and one `deallocate` when the Vec is dropped.
fn vec_over_tracer(tracer: &Tracing) {
    section("The same pushes over a tracing allocator");
    say("`Vec::new_in(&tracer)` takes the allocator as a value (here a reference to it).");
    say("The first block comes from `allocate`; every later growth is one `grow` call,");
    say("which may extend the block in place or move it (then the allocator copies it).");
    println!();

    let before = tracer.stats();
    let mut v: Vec<u64, &Tracing> = Vec::new_in(tracer);
    for i in 1..=20 {
        let before = v.capacity();
        if v.len() == before {
            println!("   push {i:>2} finds the Vec full (len {}, capacity {before}):", v.len());
        }
        v.push(i);
        if v.capacity() != before {
            result(format_args!("capacity {before} -> {} elements", v.capacity()));
        }
    }
    result(format_args!(
        "len {}, capacity {} ({} bytes)",
        v.len(),
        v.capacity(),
        v.capacity() * size_of::<u64>()
    ));
    say("Dropping the Vec gives its block back:");
    drop(v);
    let calls = tracer.stats().since(&before);
    result(format_args!(
        "{} allocator calls: {} allocate, {} grow, {} deallocate",
        calls.calls(),
        calls.allocate,
        calls.grow,
        calls.deallocate
    ));
}

/// `reserve_exact`, `shrink_to_fit` and `try_reserve`.
fn vec_capacity_control(tracer: &Tracing) {
    section("Choosing the capacity yourself");
    let mut v: Vec<u64, &Tracing> = Vec::new_in(tracer);

    say("`reserve_exact(10)` asks for room for exactly 10 elements, with no rounding up:");
    v.reserve_exact(10);
    result(format_args!("len {}, capacity {}", v.len(), v.capacity()));

    say("Three elements fit without a call; `shrink_to_fit()` then gives back the 7 spare slots:");
    v.extend_from_slice(&[1, 2, 3]);
    v.shrink_to_fit();
    result(format_args!("len {}, capacity {}", v.len(), v.capacity()));

    say("`try_reserve` reports failure instead of aborting. `usize::MAX` more elements");
    say("cannot even be expressed in bytes, so the allocator is never asked:");
    match v.try_reserve(usize::MAX) {
        Ok(()) => result(format_args!("unexpectedly succeeded")),
        Err(e) => result(format_args!("Err: {}", e.kind())),
    }

    let huge = isize::MAX as usize / size_of::<u64>() - v.len();
    say("Just under isize::MAX bytes in total (about 8 EiB) is a valid request, so the");
    say("allocator is asked, and says no:");
    match v.try_reserve(huge) {
        Ok(()) => result(format_args!("unexpectedly succeeded")),
        Err(e) => result(format_args!("Err: {}", e.kind())),
    }
    result(format_args!("the Vec is untouched: {:?}, capacity {}", &v[..], v.capacity()));
    say("Dropping it frees the block:");
    drop(v);
}

/// Zero-sized elements: the capacity is `usize::MAX` from the start and the allocator
/// is never called.
fn vec_zero_sized(tracer: &Tracing) {
    section("Zero-sized elements never allocate");
    say("A value of a zero-sized type takes no memory, so a Vec of them needs no buffer:");
    say("its capacity is usize::MAX from the start, and pushes only count.");

    /// A zero-sized marker type.
    #[derive(Clone, Copy, Debug)]
    struct Token;

    let before = tracer.stats();
    let mut v: Vec<Token, &Tracing> = Vec::new_in(tracer);
    for _ in 0..1_000_000 {
        v.push(Token);
    }
    result(format_args!(
        "1,000,000 pushes: len {}, capacity {} (usize::MAX: {})",
        v.len(),
        v.capacity(),
        v.capacity() == usize::MAX
    ));
    drop(v);
    result(format_args!(
        "allocator calls in this section: {}",
        tracer.stats().since(&before).calls()
    ));
}

/// Dropping a Vec drops its elements first, in order, and only then frees the buffer.
fn vec_drop_order(tracer: &Tracing) {
    section("Dropping a Vec: first the elements, then the memory");

    /// An element that announces its own drop.
    struct Loud(&'static str);

    impl Drop for Loud {
        fn drop(&mut self) {
            println!("   dropping Loud({:?})", self.0);
        }
    }

    println!(
        "   `with_capacity_in(3, &tracer)` allocates room for three {}-byte elements:",
        size_of::<Loud>()
    );
    let mut v: Vec<Loud, &Tracing> = Vec::with_capacity_in(3, tracer);
    v.push(Loud("first"));
    v.push(Loud("second"));
    v.push(Loud("third"));
    say("`drop(v)` runs each element's destructor, front to back, then frees the block:");
    drop(v);
}

/// A `Vec` over a tracing allocator over a `Bump`: while the Vec's buffer is the bump's
/// newest block, every `grow` is in place; once something else is allocated after it,
/// the next `grow` has to move (copy) it.
fn bump_vec_in_place() {
    section("A Vec in a Bump: the newest block grows in place");
    say("A Bump hands out memory by moving a pointer up through a chunk. The block just");
    say("below that pointer is the newest, and it can grow by moving the pointer further:");
    say("no copy. (bumpalo bumps downward, so there every growth copies.)");
    println!();

    let bump = Bump::with_capacity(4096);
    let tracer = Tracing::new(&bump);
    let mut v: Vec<u64, &Tracing<&Bump>> = Vec::new_in(&tracer);
    for i in 0..32 {
        v.push(i);
    }
    let in_place = tracer.stats();
    result(format_args!(
        "32 pushes: {} allocate, {} grow, all {} in place",
        in_place.allocate, in_place.grow, in_place.grow_in_place
    ));

    say("Now something else is allocated after the buffer, so it is no longer the newest:");
    let node = bump.alloc(0xA57_u64);
    for i in 32..=64 {
        v.push(i);
    }
    result(format_args!(
        "the next grow moved the buffer (copied {} bytes); the node is intact: {node:#x}",
        32 * size_of::<u64>()
    ));
    say("Freeing the newest block gives its bytes back; freeing an older one is a no-op:");
    let before = bump.stats().allocated;
    drop(v);
    result(format_args!("bytes handed out: {before} -> {}", bump.stats().allocated));
}

/// Chunks, scopes and the two resets, shown through `Bump::chunks` and `Bump::stats`.
fn bump_chunks_scopes_resets() {
    section("Chunks, scopes and resets");
    say("When the current chunk is full, the bump takes a new one from its parent, twice");
    say("as big as the last (up to 16 MiB). 10,000 u64 values later:");
    println!();

    let mut bump = Bump::new();
    for i in 0..10_000u64 {
        bump.alloc(i);
    }
    print_chunks(&bump);

    say("A scope takes `&mut Bump` and gives back everything allocated inside it:");
    let before = bump.stats();
    let words = bump.scope(|b| {
        let mut s = allockit::String::new_in(b);
        for _ in 0..20_000 {
            s.push_str("scratch ");
        }
        s.split(' ').filter(|w| !w.is_empty()).count()
    });
    let after = bump.stats();
    result(format_args!(
        "{words} words built in the scope; handed out before {} B, after {} B; \
         chunks {} -> {} (the ones taken in the scope stay as spares)",
        before.allocated, after.allocated, before.chunks, after.chunks
    ));

    bump.reset_keep_chunks();
    let kept = bump.stats();
    result(format_args!(
        "reset_keep_chunks: {} chunks, {} B reserved, {} B handed out (ready for reuse)",
        kept.chunks, kept.reserved, kept.allocated
    ));
    bump.reset();
    let reset = bump.stats();
    result(format_args!(
        "reset: {} chunk (the largest) of {} B kept, the others given back",
        reset.chunks, reset.reserved
    ));
}

/// An `Arena` shared by threads: a compare-and-swap per allocation on `&Arena`, none at
/// all through a per-thread `LocalArena`.
fn arena_threads() {
    section("An Arena: a bump allocator that threads share");
    say("`&Bump` cannot cross threads. `Arena` is Send + Sync: each chunk's fill level is");
    say("an atomic cursor that threads move past their blocks with a compare-and-swap, and");
    say("a new chunk is installed under a short lock. Four threads fill Vecs in one arena:");
    println!();

    let arena = Arena::new();
    let vecs: std::vec::Vec<Vec<u64, &Arena>> = std::thread::scope(|s| {
        let workers: std::vec::Vec<_> = (0..4u64)
            .map(|t| {
                let arena = &arena;
                s.spawn(move || {
                    let mut v = Vec::new_in(arena);
                    for i in 0..1000 {
                        v.push(t * 1000 + i);
                    }
                    v
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    let stats = arena.stats();
    let live: usize = vecs.iter().map(|v| v.capacity() * size_of::<u64>()).sum();
    result(format_args!(
        "4 Vecs of 1000 u64 came back to the main thread; the arena has {} chunks and \
         {} B handed out: {live} B of final buffers, {} B of old buffers left behind \
         by growths that had to copy (into a new chunk, or past another thread's block)",
        stats.chunks,
        stats.allocated,
        stats.allocated - live
    ));
    drop(vecs);

    say("A LocalArena claims a slab of the arena with one swap, then bumps inside it with");
    say("no atomic instruction at all, as fast as a Bump; its values outlive the handle:");
    let total: u64 = std::thread::scope(|s| {
        let workers: std::vec::Vec<_> = (0..2u64)
            .map(|t| {
                let arena = &arena;
                s.spawn(move || {
                    let local = arena.local();
                    let squares = local.alloc_slice_copy(&[t, t * t, t * t * t]);
                    squares.iter().sum::<u64>()
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).sum()
    });
    result(format_args!("two workers' results summed: {total}"));
}

fn pool_reuse() {
    section("A Pool: one block size, freed blocks reused");
    say("A Pool is built for one layout. It cuts slabs from its parent into blocks, and a");
    say("freed block goes on a free list (its first word links to the next free block), so");
    say("the next allocation reuses it: the block freed last is handed out first.");
    println!();

    struct Node {
        value: u64,
        next: Option<Box<Node, &'static Pool<&'static Counting<Global>>>>,
    }
    // Leaked so the list's type can name the pool's lifetime simply; the tour ends soon.
    let parent: &'static Counting<Global> =
        std::boxed::Box::leak(std::boxed::Box::new(Counting::new(Global)));
    let pool: &'static Pool<&Counting<Global>> =
        std::boxed::Box::leak(std::boxed::Box::new(Pool::new_in(Layout::new::<Node>(), parent)));

    let mut list: Option<Box<Node, _>> = None;
    for value in 0..1000 {
        list = Some(Box::new_in(Node { value, next: list.take() }, pool));
    }
    let stats = pool.stats();
    result(format_args!(
        "a linked list of 1000 nodes: {} live blocks of {} B in {} slabs; the parent saw {} \
         allocations for them",
        stats.live_blocks,
        stats.block_size,
        stats.slabs,
        parent.stats().allocations
    ));

    let top = list.take().expect("1000 nodes");
    let freed = &*top as *const Node as usize;
    let rest = Box::into_inner(top).next; // the head's block goes on the free list
    let again = Box::new_in(Node { value: 7, next: rest }, pool);
    let landed = &*again as *const Node as usize;
    result(format_args!(
        "freed the head node at {freed:#x}; the next node (value {}) landed at {landed:#x}: {}",
        again.value,
        if landed == freed { "the same block" } else { "another block" }
    ));

    drop(again); // the whole list goes back on the free list, node by node
    let stats = pool.stats();
    result(format_args!(
        "after dropping the list: {} live, {} free blocks; still {} slabs until \
         release_empty_slabs()",
        stats.live_blocks, stats.free_blocks, stats.slabs
    ));
    let released = pool.release_empty_slabs();
    result(format_args!(
        "release_empty_slabs() gave {released} B back; the parent now holds {} B for the pool",
        parent.stats().live_bytes
    ));
}

/// One line per chunk: its role, its block size and how full it is.
fn print_chunks(bump: &Bump) {
    for (i, ChunkInfo { role, block_size, allocated, capacity, .. }) in bump.chunks().enumerate() {
        println!(
            "   chunk {i:>2}  {:<8} block {block_size:>7} B   used {allocated:>6} of {capacity:>6} B",
            format!("{role:?}")
        );
    }
}

/// Everything the tracing allocator saw during the tour.
fn summary(tracer: &Tracing) {
    section("Summary");
    let s = tracer.stats();
    result(format_args!(
        "{} allocator calls: {} allocate, {} grow ({} in place, {} moved), {} shrink, \
         {} deallocate, {} refused",
        s.calls(),
        s.allocate,
        s.grow,
        s.grow_in_place,
        s.grow - s.grow_in_place,
        s.shrink,
        s.deallocate,
        s.failed
    ));
    result(format_args!(
        "peak {} bytes live at once; {} bytes still live (nothing leaked: {})",
        s.peak_bytes,
        s.live_bytes,
        s.live_bytes == 0
    ));
    println!();
}

// ----------------------------------------------------------------------------------------
// The tracing allocator
// ----------------------------------------------------------------------------------------

/// An allocator that forwards every call to `A` and prints it as it happens.
///
/// It never allocates itself: each line is written with `write!` straight into stdout's
/// lock (formatting integers needs no heap), and the counters live in a `Cell`. Stdout's
/// own line buffer is allocated once by std, from the global allocator, not from this
/// one.
struct Tracing<A: Allocator = Global> {
    inner: A,
    stats: Cell<Stats>,
}

/// What a [`Tracing`] allocator has seen so far.
#[derive(Clone, Copy, Default, Debug)]
struct Stats {
    allocate: usize,
    grow: usize,
    grow_in_place: usize,
    shrink: usize,
    deallocate: usize,
    /// Requests the inner allocator refused.
    failed: usize,
    live_bytes: usize,
    peak_bytes: usize,
}

impl Stats {
    /// Every call, failed ones included.
    fn calls(&self) -> usize {
        self.allocate + self.grow + self.shrink + self.deallocate
    }

    /// The calls made since `earlier` was taken (the byte counts are left as they are).
    fn since(&self, earlier: &Stats) -> Stats {
        Stats {
            allocate: self.allocate - earlier.allocate,
            grow: self.grow - earlier.grow,
            grow_in_place: self.grow_in_place - earlier.grow_in_place,
            shrink: self.shrink - earlier.shrink,
            deallocate: self.deallocate - earlier.deallocate,
            failed: self.failed - earlier.failed,
            ..*self
        }
    }
}

/// Where a resized block ended up.
#[derive(Clone, Copy)]
enum Outcome {
    InPlace,
    Moved,
    Failed,
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Outcome::InPlace => "in place",
            Outcome::Moved => "moved",
            Outcome::Failed => "FAILED",
        })
    }
}

impl<A: Allocator> Tracing<A> {
    fn new(inner: A) -> Self {
        Tracing { inner, stats: Cell::new(Stats::default()) }
    }

    fn stats(&self) -> Stats {
        self.stats.get()
    }

    /// Prints one line of the trace. No heap allocation: `Arguments` are written
    /// piecewise into the locked stdout.
    fn trace(&self, args: fmt::Arguments<'_>) {
        let mut out = io::stdout().lock();
        // A closed stdout must not turn into a panic inside the allocator.
        let _ = writeln!(out, "      {}{args}{}", style(CYAN), style(RESET));
    }

    fn update(&self, change: impl FnOnce(&mut Stats)) {
        let mut stats = self.stats.get();
        change(&mut stats);
        stats.peak_bytes = stats.peak_bytes.max(stats.live_bytes);
        self.stats.set(stats);
    }

    fn record_allocate(&self, name: &str, layout: Layout, ok: bool) {
        self.update(|s| {
            s.allocate += 1;
            if ok {
                s.live_bytes += layout.size();
            } else {
                s.failed += 1;
            }
        });
        let failed = if ok { "" } else { "  FAILED" };
        self.trace(format_args!(
            "{name:<13} {:>6} B           align {}{failed}",
            layout.size(),
            layout.align()
        ));
    }

    fn record_resize(&self, name: &str, old: Layout, new: Layout, outcome: Outcome) {
        self.update(|s| {
            if name.starts_with("grow") {
                s.grow += 1;
                if let Outcome::InPlace = outcome {
                    s.grow_in_place += 1;
                }
            } else {
                s.shrink += 1;
            }
            match outcome {
                Outcome::Failed => s.failed += 1,
                _ => s.live_bytes = s.live_bytes - old.size() + new.size(),
            }
        });
        self.trace(format_args!(
            "{name:<13} {:>6} B -> {:>3} B  align {}  {outcome}",
            old.size(),
            new.size(),
            new.align()
        ));
    }

    fn resize(
        &self,
        name: &str,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
        result: Result<NonNull<[u8]>, AllocError>,
    ) -> Result<NonNull<[u8]>, AllocError> {
        let outcome = match result {
            Ok(block) if block.cast::<u8>() == ptr => Outcome::InPlace,
            Ok(_) => Outcome::Moved,
            Err(_) => Outcome::Failed,
        };
        self.record_resize(name, old, new, outcome);
        result
    }
}

// SAFETY: every method forwards to `inner` with its arguments unchanged and returns
// `inner`'s answer unchanged, so the blocks this allocator hands out are exactly
// `inner`'s and `inner`'s guarantees carry over. `Tracing` is not `Clone`, so there are
// no copies whose blocks would need to be interchangeable.
unsafe impl<A: Allocator> Allocator for Tracing<A> {
    fn allocate(&self, layout: Layout) -> Result<NonNull<[u8]>, AllocError> {
        let result = self.inner.allocate(layout);
        self.record_allocate("allocate", layout, result.is_ok());
        result
    }

    fn allocate_zeroed(&self, layout: Layout) -> Result<NonNull<[u8]>, AllocError> {
        let result = self.inner.allocate_zeroed(layout);
        self.record_allocate("allocate_zeroed", layout, result.is_ok());
        result
    }

    unsafe fn deallocate(&self, ptr: NonNull<u8>, layout: Layout) {
        // SAFETY: forwards the caller's contract: `ptr` is currently allocated by this
        // allocator, hence by `inner`, and `layout` fits it.
        unsafe { self.inner.deallocate(ptr, layout) };
        self.update(|s| {
            s.deallocate += 1;
            s.live_bytes -= layout.size();
        });
        self.trace(format_args!(
            "{:<13} {:>6} B           align {}",
            "deallocate",
            layout.size(),
            layout.align()
        ));
    }

    unsafe fn grow(
        &self,
        ptr: NonNull<u8>,
        old_layout: Layout,
        new_layout: Layout,
    ) -> Result<NonNull<[u8]>, AllocError> {
        // SAFETY: forwards the caller's contract: `ptr` is currently allocated by `inner`,
        // `old_layout` fits it, and `new_layout` is at least as large.
        let result = unsafe { self.inner.grow(ptr, old_layout, new_layout) };
        self.resize("grow", ptr, old_layout, new_layout, result)
    }

    unsafe fn grow_zeroed(
        &self,
        ptr: NonNull<u8>,
        old_layout: Layout,
        new_layout: Layout,
    ) -> Result<NonNull<[u8]>, AllocError> {
        // SAFETY: as in `grow`, the caller's contract is forwarded unchanged.
        let result = unsafe { self.inner.grow_zeroed(ptr, old_layout, new_layout) };
        self.resize("grow_zeroed", ptr, old_layout, new_layout, result)
    }

    unsafe fn shrink(
        &self,
        ptr: NonNull<u8>,
        old_layout: Layout,
        new_layout: Layout,
    ) -> Result<NonNull<[u8]>, AllocError> {
        // SAFETY: forwards the caller's contract: `ptr` is currently allocated by `inner`,
        // `old_layout` fits it, and `new_layout` is at most as large.
        let result = unsafe { self.inner.shrink(ptr, old_layout, new_layout) };
        self.resize("shrink", ptr, old_layout, new_layout, result)
    }
}

// ----------------------------------------------------------------------------------------
// Output helpers
// ----------------------------------------------------------------------------------------

const BOLD: &str = "\x1b[1m";
const CYAN: &str = "\x1b[36m";
const GREEN: &str = "\x1b[32m";
const RESET: &str = "\x1b[0m";

static COLOUR: OnceLock<bool> = OnceLock::new();

/// Decides once, before anything is traced, whether to use colour.
fn init_colour() {
    COLOUR.get_or_init(|| {
        io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
    });
}

/// `code` if colour is on, else nothing.
fn style(code: &'static str) -> &'static str {
    if COLOUR.get().copied().unwrap_or(false) { code } else { "" }
}

/// A section heading, numbered in the order the sections run.
fn section(title: &str) {
    static NEXT: AtomicU32 = AtomicU32::new(1);
    let number = NEXT.fetch_add(1, Ordering::Relaxed);
    println!();
    println!("{}{number}. {title}{}", style(BOLD), style(RESET));
}

/// A line of explanation.
fn say(text: &str) {
    println!("   {text}");
}

/// A line stating what happened.
fn result(args: fmt::Arguments<'_>) {
    println!("   {}=> {args}{}", style(GREEN), style(RESET));
}
