//! Tests of `allockit::Pool`, the single-threaded fixed-size block allocator, and of
//! `allockit::SyncPool` and its `LocalPool` handles ([`sync`]).
//!
//! - [`properties`]: allocator-level property tests: random allocate / allocate_zeroed /
//!   grow / grow_zeroed / shrink / deallocate sequences of random layouts (most fit the
//!   block, some are bigger or more aligned and go to the parent), with
//!   `release_empty_slabs`, allocation limits and parent failure plans interleaved, checked
//!   against an exact model of the free list (LIFO reuse, lazy carving) after every step;
//! - [`differential`]: the `Vec`, `Box` and `String` differential suites over `&Pool`,
//!   with pools whose block fits the payload exactly and pools the buffers outgrow (they
//!   cross to the parent and back);
//! - [`fault`]: a parent that refuses the `n`-th request (a slab or a forwarded block):
//!   every fallible path fails cleanly, nothing leaks, and the pool keeps working;
//! - [`lifecycle`]: constructors, block layouts, exact statistics, slab sizes and growth,
//!   `release_empty_slabs`, the allocation limit, drop;
//! - [`resize`]: grow and shrink within a block, across to the parent and back, the
//!   zeroing methods, alignment changes, zero-sized requests;
//! - [`api`]: `owns`, `allocator`, `Debug`, `Send` and not `Sync` (and a pool moved to
//!   another thread), hashbrown's maps and our collections sharing a pool, pools over a
//!   bump and over another pool, and with `nightly` std's collections over `&Pool`;
//! - [`debug_checks`] (debug builds): double frees, foreign pointers, pointers inside a
//!   block or to an uncarved block panic with a message that says which.
//!
//! Most pools here sit over a counting [`TestAlloc`], so a test can say exactly what was
//! taken from the parent, and that dropping the pool gives every slab back.

mod api;
#[cfg(debug_assertions)]
mod debug_checks;
mod differential;
mod fault;
mod lifecycle;
mod properties;
mod resize;
mod sync;

use std::ptr::NonNull;

use allockit::Pool;

use crate::common::test_alloc::TestAlloc;

/// A pool over a counting parent.
pub type TestPool<'p> = Pool<&'p TestAlloc>;

/// The pool's invariants hold and its statistics agree with its parent: the parent's live
/// bytes are exactly the slabs and the forwarded blocks, and every block of the slabs is
/// either live or free.
#[track_caller]
pub fn assert_accounted(pool: &TestPool<'_>, parent: &TestAlloc) {
    pool.check_invariants();
    let s = pool.stats();
    assert_eq!(parent.live_bytes(), s.reserved + s.forwarded, "{s:?}");
    assert_eq!(s.live_blocks + s.free_blocks, s.capacity, "{s:?}");
    assert_eq!(s.slabs == 0, s.reserved == 0, "{s:?}");
    assert!(s.capacity * s.block_size < s.reserved || s.slabs == 0, "{s:?}");
}

/// The byte at offset `i` of a block tagged `tag`: blocks with different tags hold
/// different sequences, so one written over by another shows.
pub fn pattern(tag: u64, i: usize) -> u8 {
    let mixed = (tag.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 56) as u8;
    mixed ^ (i as u8).wrapping_mul(31) ^ ((i >> 8) as u8) ^ 0x5A
}

/// Writes the pattern of `tag` over bytes `from..to` of the block at `ptr`.
///
/// # Safety
///
/// - `ptr` must be valid for writes of `to` bytes that nobody else uses meanwhile.
pub unsafe fn fill(ptr: NonNull<u8>, tag: u64, from: usize, to: usize) {
    for i in from..to {
        // SAFETY: `i < to`, inside the block (caller's contract).
        unsafe { ptr.as_ptr().add(i).write(pattern(tag, i)) };
    }
}

/// Panics unless bytes `0..len` of the block at `ptr` hold the pattern of `tag`.
///
/// # Safety
///
/// - `ptr` must be valid for reads of `len` initialised bytes.
#[track_caller]
pub unsafe fn assert_pattern(ptr: NonNull<u8>, tag: u64, len: usize) {
    // SAFETY: readable and initialised for `len` bytes (caller's contract).
    let bytes = unsafe { std::slice::from_raw_parts(ptr.as_ptr(), len) };
    if let Some(i) = (0..len).find(|&i| bytes[i] != pattern(tag, i)) {
        panic!("block {tag} at {ptr:?} lost its contents at byte {i} of {len}");
    }
}

/// Panics unless bytes `from..to` of the block at `ptr` are zero.
///
/// # Safety
///
/// - `ptr` must be valid for reads of `to` initialised bytes.
#[track_caller]
pub unsafe fn assert_zero(ptr: NonNull<u8>, from: usize, to: usize) {
    // SAFETY: readable and initialised for `to` bytes (caller's contract).
    let bytes = unsafe { std::slice::from_raw_parts(ptr.as_ptr(), to) };
    if let Some(i) = (from..to).find(|&i| bytes[i] != 0) {
        panic!("byte {i} of {from}..{to} at {ptr:?} is {:#x}, not zero", bytes[i]);
    }
}
