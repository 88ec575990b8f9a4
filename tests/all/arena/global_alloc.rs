//! `impl GlobalAlloc for Arena`, its methods called directly (the `#[global_allocator]`
//! use is `tests/arena_global.rs`).
//!
//! The inherent `Arena::alloc` (which places a value) shadows `GlobalAlloc::alloc` in
//! method syntax, so every call here is spelled `GlobalAlloc::method(&arena, ...)`.
//!
//! - blocks are aligned and distinct; freeing the newest one rolls it back;
//! - `alloc_zeroed` zeroes, also over bytes that a freed block left behind;
//! - `realloc` grows and shrinks the newest block in place, copies any other, and keeps
//!   the contents either way;
//! - failure is a null pointer, with the old block of a failed `realloc` untouched.

use std::alloc::GlobalAlloc;
use std::slice;

use allockit::Arena;
use allockit::alloc::Layout;

use crate::common::test_alloc::TestAlloc;

fn layout(size: usize, align: usize) -> Layout {
    Layout::from_size_align(size, align).unwrap()
}

/// The `len` bytes at `p`.
///
/// # Safety
///
/// - `p` must be valid for reads of `len` bytes for as long as the slice is used.
unsafe fn bytes<'x>(p: *const u8, len: usize) -> &'x [u8] {
    // SAFETY: caller's contract.
    unsafe { slice::from_raw_parts(p, len) }
}

#[test]
#[cfg_attr(asan, ignore = "red zones change the byte counts")]
fn alloc_and_dealloc() {
    let parent = TestAlloc::new();
    let arena = Arena::new_in(&parent);
    // SAFETY: non-zero sizes; each block is freed once with its layout.
    unsafe {
        let p = GlobalAlloc::alloc(&arena, layout(24, 8));
        assert!(!p.is_null() && p as usize % 16 == 0, "the chunk's data start");
        let q = GlobalAlloc::alloc(&arena, layout(8, 16));
        assert_eq!(q as usize, p as usize + 32);
        assert_eq!(arena.stats().allocated, 40);
        p.write_bytes(1, 24);
        q.write_bytes(2, 8);
        assert_eq!(bytes(p, 24), [1; 24]);
        GlobalAlloc::dealloc(&arena, q, layout(8, 16));
        assert_eq!(arena.stats().allocated, 32, "the newest block rolled back");
        GlobalAlloc::dealloc(&arena, p, layout(24, 8));
        assert_eq!(arena.stats().allocated, 32, "p no longer ends at the cursor");
    }
    arena.check_invariants();
    drop(arena);
    parent.assert_no_leaks();
}

#[test]
fn alloc_zeroed_zeroes_reused_bytes() {
    let arena = Arena::new();
    // SAFETY: non-zero sizes; blocks freed with their layouts.
    unsafe {
        let p = GlobalAlloc::alloc(&arena, layout(64, 8));
        p.write_bytes(0xFF, 64);
        GlobalAlloc::dealloc(&arena, p, layout(64, 8));
        let z = GlobalAlloc::alloc_zeroed(&arena, layout(64, 8));
        assert_eq!(z, p, "the freed room is handed out again");
        assert_eq!(bytes(z, 64), [0; 64]);
        // A zeroed block in a fresh chunk too.
        let big = GlobalAlloc::alloc_zeroed(&arena, layout(10_000, 64));
        assert_eq!(big as usize % 64, 0);
        assert!(bytes(big, 10_000).iter().all(|&b| b == 0));
    }
}

#[test]
#[cfg_attr(asan, ignore = "red zones change the byte counts")]
fn realloc_keeps_contents_in_place_and_when_moving() {
    let arena = Arena::new();
    // SAFETY: non-zero sizes; every pointer is used with the layout it currently has.
    unsafe {
        let p = GlobalAlloc::alloc(&arena, layout(16, 8));
        for i in 0..16 {
            p.add(i).write(i as u8);
        }
        let grown = GlobalAlloc::realloc(&arena, p, layout(16, 8), 64);
        assert_eq!(grown, p, "the newest block grows in place");
        assert_eq!(arena.stats().allocated, 64);
        let shrunk = GlobalAlloc::realloc(&arena, p, layout(64, 8), 8);
        assert_eq!(shrunk, p, "and shrinks in place");
        assert_eq!(arena.stats().allocated, 8);
        assert_eq!(bytes(p, 8), [0, 1, 2, 3, 4, 5, 6, 7]);

        let other = GlobalAlloc::alloc(&arena, layout(8, 8));
        assert_eq!(other as usize, p as usize + 8);
        let moved = GlobalAlloc::realloc(&arena, p, layout(8, 8), 100);
        assert_ne!(moved, p, "not the newest block: copied");
        assert_eq!(moved as usize % 8, 0);
        assert_eq!(bytes(moved, 8), [0, 1, 2, 3, 4, 5, 6, 7]);
        // Past the chunk's end: a new chunk, contents copied.
        let far = GlobalAlloc::realloc(&arena, moved, layout(100, 8), 5000);
        assert_ne!(far, moved);
        assert_eq!(bytes(far, 8), [0, 1, 2, 3, 4, 5, 6, 7]);
        assert_eq!(arena.stats().chunks, 2);
        GlobalAlloc::dealloc(&arena, far, layout(5000, 8));
        GlobalAlloc::dealloc(&arena, other, layout(8, 8));
    }
    arena.check_invariants();
}

#[test]
fn failure_is_a_null_pointer() {
    let arena = Arena::new();
    arena.set_allocation_limit(Some(0));
    // SAFETY: non-zero sizes.
    unsafe {
        assert!(GlobalAlloc::alloc(&arena, layout(8, 8)).is_null());
        assert!(GlobalAlloc::alloc_zeroed(&arena, layout(8, 8)).is_null());
    }
    arena.set_allocation_limit(None);
    // SAFETY: non-zero sizes; `p` is used with the layout it has.
    unsafe {
        let p = GlobalAlloc::alloc(&arena, layout(32, 8));
        p.write_bytes(9, 32);
        arena.set_allocation_limit(Some(arena.stats().reserved));
        let before = arena.stats();
        assert!(GlobalAlloc::realloc(&arena, p, layout(32, 8), 10_000).is_null());
        assert_eq!(arena.stats(), before);
        assert_eq!(bytes(p, 32), [9; 32], "the old block is untouched");
        let q = GlobalAlloc::realloc(&arena, p, layout(32, 8), 64);
        assert_eq!(q, p, "growth within the chunk needs no new chunk");
        assert_eq!(bytes(q, 32), [9; 32]);
    }
}
