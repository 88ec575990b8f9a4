//! Loom models of the arena's and the pool's concurrent protocols, run on the real code:
//! under `--cfg loom` their atomics and spin lock are loom's (and the state the
//! `SyncPool`'s lock guards sits in loom's `UnsafeCell`, so an access not ordered by the
//! lock fails the model), and loom runs each model once per possible interleaving of its
//! threads (within its preemption bound).
//!
//! ```text
//! RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom cargo test --test loom_model
//! ```
//!
//! Each model checks what every interleaving must give: blocks that do not overlap and
//! keep what their owner wrote, exactly one new chunk per chunk switch, chunk accounting
//! that adds up, and pool statistics that count every block exactly once.

#![cfg(loom)]

use std::ptr::NonNull;

use allockit::alloc::{Allocator, Layout};
use allockit::{Arena, SyncPool};
use loom::sync::Arc;
use loom::thread;

/// Data bytes of the first chunk a fresh arena takes (512-byte block, 48-byte header,
/// the 16 bytes left for malloc's own header).
const FIRST_CHUNK_DATA: usize = 512 - 16 - 48;

fn layout(size: usize) -> Layout {
    Layout::from_size_align(size, 8).unwrap()
}

/// A block as an address range, for overlap checks.
fn range(block: NonNull<[u8]>) -> (usize, usize) {
    let start = block.cast::<u8>().as_ptr() as usize;
    (start, start + block.len())
}

fn assert_disjoint(mut blocks: Vec<(usize, usize)>) {
    blocks.sort();
    for pair in blocks.windows(2) {
        assert!(pair[0].1 <= pair[1].0, "blocks overlap: {pair:?}");
    }
}

/// Fills `block` with `byte`.
fn fill(block: NonNull<[u8]>, byte: u8) {
    // SAFETY: the block is freshly allocated, writable for its length, and ours.
    unsafe { block.cast::<u8>().as_ptr().write_bytes(byte, block.len()) };
}

/// Whether `block` still holds only `byte`.
fn holds(block: NonNull<[u8]>, byte: u8) -> bool {
    // SAFETY: the block is live and ours; its bytes were written by `fill`.
    unsafe { block.as_ref() }.iter().all(|&b| b == byte)
}

/// Two threads race to bump the same chunk: both get disjoint blocks from it.
#[test]
fn racing_bumps_get_disjoint_blocks() {
    loom::model(|| {
        let arena = Arc::new(Arena::with_capacity(256));
        let other = {
            let arena = arena.clone();
            thread::spawn(move || {
                let block = (&*arena).allocate(layout(24)).unwrap();
                fill(block, 1);
                range(block)
            })
        };
        let mine = (&*arena).allocate(layout(40)).unwrap();
        fill(mine, 2);
        let theirs = other.join().unwrap();
        assert!(holds(mine, 2));
        assert_disjoint(vec![range(mine), theirs]);
        assert_eq!(arena.stats().allocated, 64);
        assert_eq!(arena.stats().chunks, 1);
        arena.check_invariants();
    });
}

/// Both threads find the current chunk full at once: the lock lets one install the next
/// chunk, and the other, on getting the lock, must find room in that new chunk instead
/// of installing another one (or if it loaded the new chunk already, bump it directly).
/// No chunk is lost or taken twice, and the accounting adds up.
#[test]
fn chunk_switch_under_contention() {
    loom::model(|| {
        let arena = Arc::new(Arena::new());
        // Fill the first chunk, leaving less room than either thread needs.
        let filler = (&*arena).allocate(layout(FIRST_CHUNK_DATA - 48)).unwrap();
        let other = {
            let arena = arena.clone();
            thread::spawn(move || {
                let block = (&*arena).allocate(layout(104)).unwrap();
                fill(block, 1);
                (range(block), holds(block, 1))
            })
        };
        let mine = (&*arena).allocate(layout(104)).unwrap();
        fill(mine, 2);
        let (theirs, theirs_intact) = other.join().unwrap();
        assert!(theirs_intact && holds(mine, 2));
        assert_disjoint(vec![range(filler), range(mine), theirs]);
        let stats = arena.stats();
        assert_eq!(stats.chunks, 2, "exactly one new chunk for the switch");
        assert_eq!(stats.allocated, FIRST_CHUNK_DATA - 48 + 208);
        arena.check_invariants();
    });
}

/// Two threads race to take the very first chunk of an empty arena.
#[test]
fn first_chunk_race() {
    loom::model(|| {
        let arena = Arc::new(Arena::new());
        let other = {
            let arena = arena.clone();
            thread::spawn(move || range((&*arena).allocate(layout(64)).unwrap()))
        };
        let mine = range((&*arena).allocate(layout(64)).unwrap());
        assert_disjoint(vec![mine, other.join().unwrap()]);
        assert_eq!(arena.stats().chunks, 1, "one first chunk");
        arena.check_invariants();
    });
}

/// One thread grows its newest block in place while another allocates: either the
/// growth wins the cursor (and the other block comes after it) or the growth copies;
/// never do the blocks overlap, and the grown block keeps its contents.
#[test]
fn grow_in_place_races_with_allocation() {
    loom::model(|| {
        let arena = Arc::new(Arena::with_capacity(256));
        let mine = (&*arena).allocate(layout(16)).unwrap();
        fill(mine, 7);
        let other = {
            let arena = arena.clone();
            thread::spawn(move || {
                let block = (&*arena).allocate(layout(16)).unwrap();
                fill(block, 9);
                range(block)
            })
        };
        // SAFETY: `mine` was allocated by this arena with `layout(16)`.
        let grown = unsafe { (&*arena).grow(mine.cast(), layout(16), layout(64)) }.unwrap();
        // SAFETY: the first 16 bytes were kept by `grow`.
        let kept = unsafe { grown.as_ref() }[..16].iter().all(|&b| b == 7);
        assert!(kept, "grow kept the contents");
        fill(grown, 8);
        let theirs = other.join().unwrap();
        assert_disjoint(vec![range(grown), theirs]);
        assert!(holds(grown, 8));
        arena.check_invariants();
    });
}

/// One thread frees its newest block (rewinding the cursor) while another allocates:
/// the bytes given back may be handed out again, but never while still in use, and the
/// allocating thread's block is disjoint from everything live.
#[test]
fn free_of_newest_races_with_allocation() {
    loom::model(|| {
        let arena = Arc::new(Arena::with_capacity(256));
        let keep = (&*arena).allocate(layout(8)).unwrap();
        fill(keep, 3);
        let gone = (&*arena).allocate(layout(24)).unwrap();
        fill(gone, 4);
        let other = {
            let arena = arena.clone();
            thread::spawn(move || {
                let block = (&*arena).allocate(layout(32)).unwrap();
                fill(block, 5);
                (range(block), holds(block, 5))
            })
        };
        // SAFETY: allocated above with this layout, and not used afterwards.
        unsafe { (&*arena).deallocate(gone.cast(), layout(24)) };
        let (theirs, intact) = other.join().unwrap();
        assert!(intact && holds(keep, 3));
        assert_disjoint(vec![range(keep), theirs]);
        let allocated = arena.stats().allocated;
        assert!(allocated == 8 + 32 || allocated == 8 + 24 + 32, "{allocated}");
        arena.check_invariants();
    });
}

/// Two threads with their own `LocalArena` handles claim slabs at once: the slabs (and
/// so the blocks inside) are disjoint, and a handle's dropped tail is given back only
/// when nothing came after it.
#[test]
fn local_handles_claim_disjoint_slabs() {
    loom::model(|| {
        let arena = Arc::new(Arena::new());
        let other = {
            let arena = arena.clone();
            thread::spawn(move || {
                let local = arena.local();
                let x = local.alloc(0x1111_u64) as *mut u64 as usize;
                (x, x + 8)
            })
        };
        let local = arena.local();
        let mine = local.alloc(0x2222_u64) as *mut u64 as usize;
        drop(local);
        let theirs = other.join().unwrap();
        assert_disjoint(vec![(mine, mine + 8), theirs]);
        arena.check_invariants();
    });
}

/// Blocks of 4 KiB, so a `SyncPool`'s batches are 2 blocks long and a model crosses batch
/// boundaries in a few steps.
fn page() -> Layout {
    Layout::from_size_align(4096, 8).unwrap()
}

/// The preemption bound of the pool's models unless `LOOM_MAX_PREEMPTIONS` sets one. The
/// pool's debug builds take the lock once more per handle operation (for the double-free
/// bits), and every lock a thread spins on multiplies the interleavings: unbounded, the
/// larger models take minutes; with 4 preemptions, a few seconds.
const POOL_PREEMPTIONS: usize = 4;

/// Runs a pool model over every interleaving within the preemption bound, and prints how
/// many there were (`--nocapture` shows it).
fn pool_model(name: &str, f: impl Fn() + Sync + Send + 'static) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    // The count is kept outside the model, so it is std's, not loom's.
    let runs = std::sync::Arc::new(AtomicUsize::new(0));
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = builder.preemption_bound.or(Some(POOL_PREEMPTIONS));
    let bound = builder.preemption_bound;
    let counted = std::sync::Arc::clone(&runs);
    builder.check(move || {
        counted.fetch_add(1, Ordering::Relaxed);
        f();
    });
    let runs = runs.load(Ordering::Relaxed);
    println!("{name}: {runs} interleavings (preemption bound {bound:?})");
}

/// Two threads allocate and free through `&SyncPool` on an empty pool: one takes the
/// first slab, the other waits for it; the free lists never hand a block out twice.
#[test]
fn sync_pool_never_hands_a_block_out_twice() {
    pool_model("sync_pool_never_hands_a_block_out_twice", || {
        let pool = Arc::new(SyncPool::for_type::<[u64; 2]>());
        let other = {
            let pool = pool.clone();
            thread::spawn(move || {
                let a = (&*pool).allocate(layout(16)).unwrap();
                fill(a, 1);
                // SAFETY: allocated above with this layout, not used afterwards.
                unsafe { (&*pool).deallocate(a.cast(), layout(16)) };
                let b = (&*pool).allocate(layout(16)).unwrap();
                fill(b, 2);
                (range(b), holds(b, 2))
            })
        };
        let mine = (&*pool).allocate(layout(16)).unwrap();
        fill(mine, 3);
        let (theirs, intact) = other.join().unwrap();
        assert!(intact && holds(mine, 3));
        assert_disjoint(vec![range(mine), theirs]);
        let stats = pool.stats();
        assert_eq!((stats.live_blocks, stats.slabs), (2, 1));
        pool.check_invariants();
    });
}

/// A handle takes a batch while another thread frees blocks to the pool (its loose list
/// filling up and turning into a batch as the handle looks): the handle gets free blocks
/// only, never the one still in use, and every block is counted once.
#[test]
fn handle_refill_races_with_frees_to_the_pool() {
    pool_model("handle_refill_races_with_frees_to_the_pool", || {
        let pool = Arc::new(SyncPool::with_capacity(page(), 4));
        let kept = (&*pool).allocate(page()).unwrap();
        fill(kept, 9);
        let freed: Vec<_> = (0..2).map(|_| (&*pool).allocate(page()).unwrap()).collect();
        let addrs: Vec<usize> = freed.iter().map(|b| b.cast::<u8>().as_ptr() as usize).collect();
        let other = {
            let pool = pool.clone();
            thread::spawn(move || {
                for a in addrs {
                    let ptr = NonNull::new(a as *mut u8).unwrap();
                    // SAFETY: allocated by the pool with `page()`, not used afterwards.
                    unsafe { (&*pool).deallocate(ptr, page()) };
                }
            })
        };
        let local = pool.local();
        let got: Vec<_> = (0..2).map(|_| (&local).allocate(page()).unwrap()).collect();
        for (i, &b) in got.iter().enumerate() {
            fill(b, i as u8);
        }
        other.join().unwrap();
        assert!(holds(kept, 9) && holds(got[0], 0) && holds(got[1], 1));
        assert_disjoint(vec![range(kept), range(got[0]), range(got[1])]);
        local.check_invariants();
        drop(local);
        assert_eq!(pool.stats().live_blocks, 3);
        pool.check_invariants();
    });
}

/// A handle gives its blocks back on drop while another thread allocates through the
/// pool: the blocks given back may be handed out again, but never one still in use.
#[test]
fn handle_drop_races_with_allocation() {
    pool_model("handle_drop_races_with_allocation", || {
        let pool = Arc::new(SyncPool::with_capacity(page(), 4));
        let other = {
            let pool = pool.clone();
            thread::spawn(move || {
                let local = pool.local();
                let a = (&local).allocate(page()).unwrap();
                let b = (&local).allocate(page()).unwrap();
                fill(a, 1);
                fill(b, 2);
                // SAFETY: allocated above with `page()`, not used afterwards.
                unsafe { (&local).deallocate(a.cast(), page()) };
                drop(local); // gives `a`'s block back
                (range(b), holds(b, 2))
            })
        };
        let mine: Vec<_> = (0..2).map(|_| (&*pool).allocate(page()).unwrap()).collect();
        fill(mine[0], 3);
        fill(mine[1], 4);
        let (theirs, intact) = other.join().unwrap();
        assert!(intact && holds(mine[0], 3) && holds(mine[1], 4));
        assert_disjoint(vec![range(mine[0]), range(mine[1]), theirs]);
        assert_eq!(pool.stats().live_blocks, 3);
        pool.check_invariants();
    });
}

/// A block allocated through one thread's handle is freed through another thread's
/// handle, which then fills a batch and gives it back while the first handle allocates.
#[test]
fn handles_free_each_others_blocks() {
    pool_model("handles_free_each_others_blocks", || {
        let pool = Arc::new(SyncPool::with_capacity(page(), 6));
        let first = pool.local();
        let a = (&first).allocate(page()).unwrap();
        fill(a, 1);
        let a_addr = a.cast::<u8>().as_ptr() as usize;
        let other = {
            let pool = pool.clone();
            thread::spawn(move || {
                let local = pool.local();
                let b = (&local).allocate(page()).unwrap();
                fill(b, 2);
                let a = NonNull::new(a_addr as *mut u8).unwrap();
                // SAFETY: allocated through the first handle with `page()`, given to us.
                unsafe { (&local).deallocate(a, page()) };
                (range(b), holds(b, 2))
            })
        };
        let c = (&first).allocate(page()).unwrap();
        fill(c, 3);
        let (theirs, intact) = other.join().unwrap();
        assert!(intact && holds(c, 3));
        assert_disjoint(vec![range(c), theirs]);
        drop(first);
        assert_eq!(pool.stats().live_blocks, 2);
        pool.check_invariants();
    });
}
