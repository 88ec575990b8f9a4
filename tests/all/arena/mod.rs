//! Tests of `allockit::Arena`, the bump allocator that threads share, and of its handles.
//!
//! - [`differential`]: the `Vec`, `Box` and `String` differential suites over `&Arena`,
//!   over `&LocalArena`, over an arena whose interleaving probe allocates between the
//!   steps (growth copies, chunks switch), and with a second thread allocating from the
//!   same arena while the suite runs;
//! - [`stress`]: threads allocating, growing, shrinking and freeing blocks of random
//!   sizes and alignments at once (through `&Arena` and through `LocalArena`s, with many
//!   chunk switches, under an allocation limit), checked for patterns, overlap and
//!   alignment; `Vec<u64, &Arena>`s growing on several threads at once;
//! - [`lifecycle`]: exact statistics, capacity constructors, the resets, the allocation
//!   limit, and drop;
//! - [`growth`]: the newest block grows, shrinks and frees in place, others are copied;
//!   large requests get a chunk of their own;
//! - [`api`]: the direct API (`alloc`, `alloc_with`, slices, strings and the `try_` forms);
//! - [`fault`]: a parent that refuses requests: every fallible path fails cleanly;
//! - [`local`]: `LocalArena` slabs (claiming, giving the tail back, big requests);
//! - [`set`]: `ArenaSet` checkout and return, steady state without parent calls;
//! - [`buffer`]: `Arena::from_buffer`, including a `static` arena shared by threads;
//! - [`global_alloc`]: the `GlobalAlloc` methods called directly;
//! - [`auto_traits`]: `Send`/`Sync` of the arena, its handles and collections over it, and
//!   a `Send` future holding a `Vec<u32, &Arena>` across an `.await`;
//! - [`poisoning`] (with `--cfg asan` only): AddressSanitizer reports an overflow from one
//!   block into the next (of the arena and of a handle's slab), a use after free and
//!   after a reset; threads' blocks are unpoisoned and fenced by red zones, resizes move
//!   the poison, and a caller's buffer goes back unpoisoned.
//!
//! The `#[global_allocator]` use is a test binary of its own: `tests/arena_global.rs`.
//!
//! Under `cfg(asan)` the arena, like `Bump`, follows every block with a red zone (see
//! [`poisoning`]), so the tests of exact byte counts and block positions are ignored in
//! the sanitizer run; the others run there too.

mod api;
mod auto_traits;
mod buffer;
mod differential;
mod fault;
mod global_alloc;
mod growth;
mod lifecycle;
mod local;
#[cfg(asan)]
mod poisoning;
mod set;
mod stress;

use std::ptr::NonNull;

/// The block size of an arena's first chunk (512 minus the malloc overhead).
pub const FIRST_BLOCK: usize = 496;
/// The bytes of a chunk's block in front of its data (the chunk header).
pub const HEADER: usize = 48;

/// The block sizes of an arena's chunks in the doubling series, first chunk first (each
/// a power of two minus the 16-byte malloc overhead).
pub fn block_sizes() -> impl Iterator<Item = usize> {
    std::iter::successors(Some(FIRST_BLOCK), |&last| Some((last + 16) * 2 - 16))
}

/// A small, fast, seedable generator (SplitMix64), so that the threaded tests draw their
/// sizes and choices without a shared strategy.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next_u64() % (hi - lo + 1) as u64) as usize
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }
}

/// The byte at offset `i` of a block tagged `tag`: different blocks get different
/// sequences, so a block written over by another one shows up.
pub fn pattern(tag: u64, i: usize) -> u8 {
    let mixed = tag.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 56;
    (mixed as u8) ^ (i as u8).wrapping_mul(31) ^ ((i >> 8) as u8)
}

/// A block some test owns: where it is, how long, its alignment and its pattern tag.
#[derive(Clone, Copy, Debug)]
pub struct Block {
    pub ptr: NonNull<u8>,
    pub len: usize,
    pub align: usize,
    pub tag: u64,
}

// SAFETY: a `Block` is only a description; the tests that pass it between threads read
// through it only while its owner does not write (after a join, or between barriers).
unsafe impl Send for Block {}

impl Block {
    /// Writes the block's pattern over bytes `from..len`.
    ///
    /// # Safety
    ///
    /// - the block must be `len` writable bytes that no one else uses meanwhile.
    pub unsafe fn fill_from(&self, from: usize) {
        for i in from..self.len {
            // SAFETY: `i < len`, inside the block (caller's contract).
            unsafe { self.ptr.as_ptr().add(i).write(pattern(self.tag, i)) };
        }
    }

    /// Writes the block's whole pattern.
    ///
    /// # Safety
    ///
    /// - as [`fill_from`](Self::fill_from).
    pub unsafe fn fill(&self) {
        // SAFETY: forwarded.
        unsafe { self.fill_from(0) }
    }

    /// Panics unless bytes `0..upto` hold the block's pattern.
    ///
    /// # Safety
    ///
    /// - the block must be `upto` readable bytes that no one writes meanwhile.
    #[track_caller]
    pub unsafe fn check_prefix(&self, upto: usize) {
        // SAFETY: readable for `upto` bytes (caller's contract).
        let bytes = unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), upto) };
        if let Some(i) = (0..upto).find(|&i| bytes[i] != pattern(self.tag, i)) {
            panic!("block {self:?} was overwritten at offset {i}");
        }
    }

    /// Panics unless the whole block holds its pattern.
    ///
    /// # Safety
    ///
    /// - as [`check_prefix`](Self::check_prefix).
    #[track_caller]
    pub unsafe fn check(&self) {
        // SAFETY: forwarded.
        unsafe { self.check_prefix(self.len) }
    }

    fn start(&self) -> usize {
        self.ptr.as_ptr() as usize
    }
}

/// Panics unless every block is aligned and no two non-empty blocks overlap.
#[track_caller]
pub fn assert_disjoint_and_aligned(blocks: &[Block]) {
    let mut spans: Vec<(usize, usize)> = blocks
        .iter()
        .inspect(|b| assert_eq!(b.start() % b.align, 0, "misaligned block {b:?}"))
        .filter(|b| b.len != 0)
        .map(|b| (b.start(), b.start() + b.len))
        .collect();
    spans.sort_unstable();
    for pair in spans.windows(2) {
        assert!(pair[0].1 <= pair[1].0, "blocks {:#x?} and {:#x?} overlap", pair[0], pair[1]);
    }
}
