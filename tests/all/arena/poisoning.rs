//! AddressSanitizer sees inside the arena's chunks and its handles' slabs (only built
//! with `--cfg asan`, which `.ci/run` passes in its ASan step).
//!
//! The probes of a bad access run in a child process, because ASan aborts the process
//! that commits the error: the parent re-runs this test binary on one `#[ignore]`d child
//! test, with an environment variable that arms it, and asserts that the child died with
//! ASan's `use-after-poison` report. The other tests ask ASan directly
//! (`__asan_address_is_poisoned`) which bytes are poisoned, in this process: the blocks
//! of threads allocating at once, the red zones after them, a reset chunk, and a buffer
//! given back to its owner.

use std::mem::MaybeUninit;
use std::ptr::NonNull;

use crate::common::asan_probe::{armed, expect_asan_report};
use allockit::alloc::{Allocator, Layout};
use allockit::{Arena, Vec};

unsafe extern "C" {
    /// 1 if the byte at `addr` is poisoned, 0 if not.
    fn __asan_address_is_poisoned(addr: *const u8) -> i32;
}

fn poisoned(addr: *const u8) -> bool {
    // SAFETY: the ASan runtime only reads its shadow memory for `addr`.
    unsafe { __asan_address_is_poisoned(addr) != 0 }
}

/// Panics unless the `len` bytes at `ptr` are all addressable and the byte after them
/// is poisoned (the red zone).
#[track_caller]
fn assert_block(ptr: NonNull<u8>, len: usize) {
    let p = ptr.as_ptr();
    for i in 0..len {
        // SAFETY: `i < len`, inside the block.
        assert!(!poisoned(unsafe { p.add(i) }), "byte {i} of a {len}-byte block is poisoned");
    }
    // SAFETY: the red zone after the block is inside the chunk (or slab).
    assert!(poisoned(unsafe { p.add(len) }), "the byte after a {len}-byte block is addressable");
}

#[test]
fn overflow_into_the_next_block_is_reported() {
    expect_asan_report("arena::poisoning::child_overflow_into_next");
}

#[test]
fn overflow_in_a_local_slab_is_reported() {
    expect_asan_report("arena::poisoning::child_local_overflow");
}

#[test]
fn use_after_free_of_the_newest_block_is_reported() {
    expect_asan_report("arena::poisoning::child_use_after_free");
}

#[test]
fn use_after_reset_is_reported() {
    expect_asan_report("arena::poisoning::child_use_after_reset");
}

#[test]
fn write_past_a_vec_buffer_is_reported() {
    expect_asan_report("arena::poisoning::child_vec_overflow");
}

#[test]
#[ignore = "run by overflow_into_the_next_block_is_reported in a child process"]
fn child_overflow_into_next() {
    if !armed() {
        return;
    }
    let arena = Arena::new();
    let a = arena.alloc_slice_copy(&[1u8; 5]).as_mut_ptr();
    let _b = arena.alloc(2u64);
    // SAFETY: none: this is the out-of-bounds write ASan must catch (one past `a`).
    unsafe { a.add(5).write_volatile(0xFF) };
}

#[test]
#[ignore = "run by overflow_in_a_local_slab_is_reported in a child process"]
fn child_local_overflow() {
    if !armed() {
        return;
    }
    let arena = Arena::new();
    let local = arena.local();
    let a = local.alloc([1u8; 24]).as_mut_ptr();
    let _b = local.alloc(2u32);
    // SAFETY: none: one past the end of `a`, into its red zone.
    unsafe { a.add(24).write_volatile(0xFF) };
}

#[test]
#[ignore = "run by use_after_free_of_the_newest_block_is_reported in a child process"]
fn child_use_after_free() {
    if !armed() {
        return;
    }
    let arena = Arena::new();
    let layout = Layout::new::<[u64; 4]>();
    let block = (&arena).allocate(layout).unwrap().cast::<u8>();
    // SAFETY: the block was allocated just above with `layout`.
    unsafe { (&arena).deallocate(block, layout) };
    // SAFETY: none: the block was freed; ASan must catch the read.
    let _ = unsafe { block.as_ptr().read_volatile() };
}

#[test]
#[ignore = "run by use_after_reset_is_reported in a child process"]
fn child_use_after_reset() {
    if !armed() {
        return;
    }
    let mut arena = Arena::new();
    let stale = arena.alloc(7u64) as *mut u64;
    arena.reset();
    // SAFETY: none: the reset gave the block back; ASan must catch the read.
    let _ = unsafe { stale.read_volatile() };
}

#[test]
#[ignore = "run by write_past_a_vec_buffer_is_reported in a child process"]
fn child_vec_overflow() {
    if !armed() {
        return;
    }
    let arena = Arena::new();
    let local = arena.local();
    let mut v: Vec<u32, _> = Vec::with_capacity_in(3, &local);
    v.extend([1, 2, 3]);
    let p = v.as_mut_ptr();
    // SAFETY: none: one element past the buffer's capacity; ASan must catch the write.
    unsafe { p.add(3).write_volatile(4) };
}

/// Threads allocating from one arena at once, through `&Arena` and through their own
/// handles, each get blocks whose every byte is addressable and whose next byte is not:
/// no thread's poisoning or unpoisoning reaches another thread's block.
#[test]
fn threads_blocks_are_unpoisoned_and_fenced() {
    let arena = Arena::new();
    std::thread::scope(|s| {
        for t in 0..4usize {
            let arena = &arena;
            s.spawn(move || {
                let local = arena.local();
                let mut blocks = std::vec::Vec::new();
                for i in 0..500usize {
                    let size = 1 + (i * 7 + t) % 61;
                    let layout = Layout::from_size_align(size, 1 << (i % 4)).unwrap();
                    let block = if i % 2 == 0 {
                        (&arena).allocate(layout).unwrap()
                    } else {
                        (&local).allocate(layout).unwrap()
                    };
                    let ptr = block.cast::<u8>();
                    // SAFETY: the block's `size` bytes are ours.
                    unsafe { ptr.as_ptr().write_bytes(t as u8, size) };
                    blocks.push((ptr, size));
                }
                for &(ptr, size) in &blocks {
                    assert_block(ptr, size);
                    // SAFETY: as above.
                    let bytes = unsafe { std::slice::from_raw_parts(ptr.as_ptr(), size) };
                    assert!(bytes.iter().all(|&b| b == t as u8), "another thread wrote here");
                }
            });
        }
    });
}

/// Growing the newest block in place unpoisons exactly its new bytes; shrinking it
/// poisons the tail; freeing it poisons it whole, and so does freeing a block that is not
/// the newest (which stays given up until a reset).
#[test]
fn resizes_and_frees_move_the_poison() {
    let arena = Arena::new();
    let a = (&arena).allocate(Layout::from_size_align(10, 8).unwrap()).unwrap().cast::<u8>();
    assert_block(a, 10);
    let old = Layout::from_size_align(10, 8).unwrap();
    let new = Layout::from_size_align(100, 8).unwrap();
    // SAFETY: `a` is live with `old`; `new` is larger.
    let grown = unsafe { (&arena).grow(a, old, new) }.unwrap().cast::<u8>();
    assert_eq!(grown, a, "the newest block grows in place");
    assert_block(a, 100);
    let small = Layout::from_size_align(30, 8).unwrap();
    // SAFETY: `a` is live with `new`; `small` is smaller.
    let shrunk = unsafe { (&arena).shrink(a, new, small) }.unwrap().cast::<u8>();
    assert_eq!(shrunk, a);
    assert_block(a, 30);
    // SAFETY: the tail past 30 bytes was given back.
    assert!(poisoned(unsafe { a.as_ptr().add(50) }), "the shrunk tail is addressable");
    let b = (&arena).allocate(Layout::new::<u64>()).unwrap().cast::<u8>();
    // SAFETY: `a` is live with `small`, and not the newest block any more.
    unsafe { (&arena).deallocate(a, small) };
    assert!(poisoned(a.as_ptr()), "a freed block that is not the newest is addressable");
    assert_block(b, 8);
    // SAFETY: `b` is the newest block.
    unsafe { (&arena).deallocate(b, Layout::new::<u64>()) };
    assert!(poisoned(b.as_ptr()), "the freed newest block is addressable");
}

/// The resets poison what they keep, and the next blocks are unpoisoned again.
#[test]
fn resets_poison_the_chunks_they_keep() {
    let mut arena = Arena::new();
    let first = arena.alloc([1u8; 64]).as_mut_ptr();
    for i in 0..2000u32 {
        arena.alloc(i);
    }
    arena.reset_keep_chunks();
    assert!(poisoned(first), "a chunk kept by reset_keep_chunks is addressable");
    let again = NonNull::from(&mut arena.alloc([2u8; 64])[0]);
    assert_block(again, 64);
    arena.reset();
    assert!(poisoned(again.as_ptr()), "the chunk kept by reset is addressable");
}

/// An arena over a caller's buffer gives it back unpoisoned: the caller may use every
/// byte of it again once the arena is gone.
#[test]
fn a_buffer_goes_back_unpoisoned() {
    let mut memory = [MaybeUninit::<u8>::uninit(); 2048];
    {
        let arena = Arena::from_buffer(&mut memory);
        let local = arena.local();
        arena.alloc([1u8; 100]);
        assert!(local.try_alloc([2u8; 200]).is_ok());
    }
    for byte in &mut memory {
        byte.write(0xAB); // would be reported if any byte were still poisoned
    }
    // SAFETY: every byte was just written.
    assert!(memory.iter().all(|b| unsafe { b.assume_init() } == 0xAB));
}

#[test]
fn in_bounds_use_is_not_reported() {
    // The same shapes of access as the probes, but in bounds: no report, no abort.
    let mut arena = Arena::new();
    {
        let local = arena.local();
        let a = local.alloc([1u8; 24]);
        let b = arena.alloc(2u64);
        a[23] = 9;
        *b += 1;
        assert_eq!((a[23], *b), (9, 3));
        let mut v: Vec<u32, _> = Vec::with_capacity_in(3, &local);
        v.extend([1, 2, 3]);
        v.push(4); // grows (in place, in the slab)
        assert_eq!(v[3], 4);
    }
    arena.reset();
    assert_eq!(*arena.alloc(7u8), 7);
}
