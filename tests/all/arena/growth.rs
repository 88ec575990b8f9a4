//! Where blocks go as they grow: the newest block of the current chunk grows, shrinks and
//! frees in place; any other block is copied; a request larger than the next chunk in the
//! series gets a chunk of its own, and the current chunk stays current.

use allockit::alloc::{Allocator, Layout};
use allockit::{Arena, String, Vec};

use super::{FIRST_BLOCK, HEADER, block_sizes};
use crate::common::test_alloc::TestAlloc;

fn addr<T: ?Sized>(r: *const T) -> usize {
    r.cast::<u8>() as usize
}

// ---------------------------------------------------------------------------------------
// Collections
// ---------------------------------------------------------------------------------------

#[test]
#[cfg_attr(asan, ignore = "red zones change the byte counts")]
fn a_vec_grows_in_place_within_its_chunk() {
    let parent = TestAlloc::new();
    let arena = Arena::with_capacity_in(8192, &parent);
    let mut v: Vec<u8, &Arena<&TestAlloc>> = Vec::new_in(&arena);
    v.push(0);
    let ptr = v.as_ptr();
    for i in 1..8192 {
        v.push(i as u8);
        assert_eq!(v.as_ptr(), ptr, "moved at length {}", v.len());
        if v.len() == v.capacity() {
            assert_eq!(arena.stats().allocated, v.capacity(), "only the vector's block");
        }
    }
    assert_eq!(v.capacity(), 8192);
    assert!(v.iter().enumerate().all(|(i, &b)| b == i as u8));
    assert_eq!(parent.stats().allocate, 1, "one chunk, taken up front");
    assert_eq!(arena.stats().chunks, 1);
}

#[test]
#[cfg_attr(asan, ignore = "red zones change the byte counts")]
fn a_vec_copies_when_another_block_follows_it() {
    let arena = Arena::new();
    let mut v: Vec<u64, &Arena> = Vec::new_in(&arena);
    v.extend(0..4);
    assert_eq!(v.capacity(), 4);
    let first = v.as_ptr();
    let byte = arena.alloc(0xEEu8) as *mut u8;
    assert_eq!(addr(byte), addr(first) + 32, "right after the vector's buffer");
    v.push(4);
    assert_ne!(v.as_ptr(), first, "the buffer is not the newest block: growth copies");
    assert_eq!(v, [0, 1, 2, 3, 4]);
    assert_eq!(addr(v.as_ptr()), addr(first) + 40, "after the byte, aligned to 8");
    // SAFETY: the byte is alive (the arena is) and not written by anyone.
    assert_eq!(unsafe { *byte }, 0xEE);
    // 32 (old buffer) + 1 + 7 (padding) + 64 (new buffer).
    assert_eq!(arena.stats().allocated, 104);
    // The new buffer is the newest block again: it grows in place.
    let second = v.as_ptr();
    v.extend(5..16);
    assert_eq!(v.as_ptr(), second);
    assert_eq!(arena.stats().allocated, 40 + 16 * 8);
}

#[test]
#[cfg_attr(asan, ignore = "red zones change the byte counts")]
fn shrinking_and_dropping_the_newest_vec_gives_room_back() {
    let arena = Arena::new();
    arena.alloc(1u8);
    let mut v: Vec<u32, &Arena> = Vec::with_capacity_in(64, &arena);
    v.extend(0..10);
    let ptr = v.as_ptr();
    assert_eq!(arena.stats().allocated, 4 + 256);
    v.shrink_to_fit();
    assert_eq!((v.as_ptr(), v.capacity()), (ptr, 10));
    assert_eq!(arena.stats().allocated, 4 + 40);
    drop(v);
    assert_eq!(arena.stats().allocated, 4, "the padding before the buffer stays");
    let mut s = String::with_capacity_in(100, &arena);
    s.push_str("in place");
    assert_eq!(addr(s.as_ptr()), addr(ptr), "the room is handed out again");
}

#[test]
#[cfg_attr(asan, ignore = "red zones change the byte counts")]
fn dropping_a_vec_that_is_not_the_newest_block_keeps_its_room() {
    let arena = Arena::new();
    let v: Vec<u32, &Arena> = Vec::with_capacity_in(16, &arena);
    arena.alloc(1u8);
    drop(v);
    assert_eq!(arena.stats().allocated, 65);
}

#[test]
#[cfg_attr(asan, ignore = "red zones change the byte counts")]
fn a_vec_that_outgrows_its_chunk_moves_to_the_next() {
    let parent = TestAlloc::new();
    let arena = Arena::new_in(&parent);
    let mut v: Vec<u64, &Arena<&TestAlloc>> = Vec::new_in(&arena);
    v.extend(0..32); // 256 bytes, in place in the first chunk (448 bytes)
    let ptr = v.as_ptr();
    assert_eq!(arena.stats().chunks, 1);
    v.push(32); // 512 bytes: no room, so a new chunk and a copy
    assert_ne!(v.as_ptr(), ptr);
    assert_eq!(arena.stats().chunks, 2);
    assert!(v.iter().copied().eq(0..33));
    let s = arena.stats();
    assert_eq!(s.allocated, 256 + 512, "the old buffer's room is not reused");
    // The new chunk was sized for twice the moved buffer, so the next doubling (to 1024
    // bytes) happens in place.
    assert!(s.capacity - 448 >= 1024, "{s:?}");
    let moved = v.as_ptr();
    v.extend(33..128);
    assert_eq!(v.as_ptr(), moved);
    assert_eq!(arena.stats().chunks, 2);
    assert_eq!(parent.live_bytes(), arena.stats().reserved);
}

// ---------------------------------------------------------------------------------------
// The Allocator methods
// ---------------------------------------------------------------------------------------

fn layout(size: usize, align: usize) -> Layout {
    Layout::from_size_align(size, align).unwrap()
}

#[test]
#[cfg_attr(asan, ignore = "red zones change the byte counts")]
fn grow_and_shrink_in_place_only_for_the_newest_block() {
    let arena = Arena::new();
    let a = &arena;
    let p = a.allocate(layout(16, 8)).unwrap().cast::<u8>();
    // SAFETY: 16 fresh bytes.
    unsafe { p.as_ptr().write_bytes(7, 16) };
    // SAFETY: `p` is live with the old layout; the new one is larger.
    let q = unsafe { a.grow(p, layout(16, 8), layout(48, 8)) }.unwrap();
    assert_eq!((q.cast::<u8>(), q.len()), (p, 48), "the newest block grows in place");
    assert_eq!(arena.stats().allocated, 48);
    // SAFETY: as above, smaller.
    let r = unsafe { a.shrink(p, layout(48, 8), layout(8, 8)) }.unwrap();
    assert_eq!((r.cast::<u8>(), r.len()), (p, 8), "and shrinks in place");
    assert_eq!(arena.stats().allocated, 8);
    // SAFETY: `p` holds 8 bytes that were written above.
    assert_eq!(unsafe { std::slice::from_raw_parts(p.as_ptr(), 8) }, [7; 8]);

    let other = a.allocate(layout(4, 4)).unwrap().cast::<u8>();
    assert_eq!(addr(other.as_ptr()), addr(p.as_ptr()) + 8);
    // SAFETY: `p` is live with 8 bytes; it is no longer the newest block.
    let moved = unsafe { a.grow(p, layout(8, 8), layout(32, 8)) }.unwrap().cast::<u8>();
    assert_ne!(moved, p);
    assert_eq!(addr(moved.as_ptr()) % 8, 0);
    // SAFETY: the moved block holds the 8 bytes copied from `p`.
    assert_eq!(unsafe { std::slice::from_raw_parts(moved.as_ptr(), 8) }, [7; 8]);
    // 8 + 4 + 4 (padding) + 32: the old block's room is not given back.
    assert_eq!(arena.stats().allocated, 48);
    // SAFETY: `other` is live with its layout and no longer the newest; a shrink keeps it.
    let same = unsafe { a.shrink(other, layout(4, 4), layout(2, 4)) }.unwrap();
    assert_eq!(same.cast::<u8>(), other);
    assert_eq!(arena.stats().allocated, 48, "nothing given back behind the newest block");
}

#[test]
fn a_larger_alignment_moves_a_misaligned_block() {
    let arena = Arena::new();
    let a = &arena;
    a.allocate(layout(8, 8)).unwrap();
    let p = a.allocate(layout(8, 8)).unwrap().cast::<u8>();
    assert_eq!(addr(p.as_ptr()) % 16, 8);
    // SAFETY: 8 fresh bytes.
    unsafe { p.as_ptr().write_bytes(3, 8) };
    // SAFETY: `p` is live with the old layout; the new one is larger and more aligned.
    let q = unsafe { a.grow(p, layout(8, 8), layout(16, 16)) }.unwrap().cast::<u8>();
    assert_ne!(q, p, "the newest block, but misaligned for the new layout");
    assert_eq!(addr(q.as_ptr()) % 16, 0);
    // SAFETY: the first 8 bytes were copied.
    assert_eq!(unsafe { std::slice::from_raw_parts(q.as_ptr(), 8) }, [3; 8]);
    // SAFETY: `q` is live with the layout it was grown to; the shrink is to an alignment
    // it already has.
    let r = unsafe { a.shrink(q, layout(16, 16), layout(8, 16)) }.unwrap().cast::<u8>();
    assert_eq!(r, q);
}

// ---------------------------------------------------------------------------------------
// Large requests
// ---------------------------------------------------------------------------------------

#[test]
#[cfg_attr(asan, ignore = "red zones change the byte counts")]
fn a_large_request_gets_its_own_chunk_and_the_current_chunk_stays() {
    let parent = TestAlloc::new();
    let arena = Arena::new_in(&parent);
    let a = addr(arena.alloc(1u64));
    let big = (&arena).allocate(layout(100_000, 64)).unwrap().cast::<u8>();
    let big_addr = addr(big.as_ptr());
    assert_eq!(big_addr % 64, 0);
    // SAFETY: 100 000 fresh bytes.
    unsafe { big.as_ptr().write_bytes(0xB1, 100_000) };
    let s = arena.stats();
    assert_eq!(s.chunks, 2);
    // The header rounded up to 64, the block and 32 bytes for the end's rounding.
    assert_eq!(s.reserved, FIRST_BLOCK + 64 + 100_000 + 32);
    assert_eq!(s.allocated, 8 + 16 + 100_000, "16 bytes of padding after the header");
    let first_chunk = a - HEADER..a - HEADER + FIRST_BLOCK;
    assert!(
        big_addr + 100_000 <= first_chunk.start || big_addr >= first_chunk.end,
        "the big block lies outside the first chunk"
    );

    // The first chunk is still the one small requests go to.
    let b = addr(arena.alloc(2u64));
    assert_eq!(b, a + 8);
    assert_eq!(arena.stats().chunks, 2);
    assert_eq!(parent.stats().allocate, 2);
    // SAFETY: the big block is alive and nobody else wrote it.
    let bytes = unsafe { std::slice::from_raw_parts(big.as_ptr(), 100_000) };
    assert!(bytes.iter().all(|&x| x == 0xB1));
    arena.check_invariants();
    drop(arena);
    parent.assert_no_leaks();
}

#[test]
#[cfg_attr(asan, ignore = "red zones change the byte counts")]
fn a_request_within_the_series_moves_to_a_new_current_chunk() {
    let parent = TestAlloc::new();
    let arena = Arena::new_in(&parent);
    arena.alloc(1u64);
    let m = addr((&arena).allocate(layout(600, 8)).unwrap().cast::<u8>().as_ptr());
    let s = arena.stats();
    assert_eq!(s.reserved, FIRST_BLOCK + block_sizes().nth(1).unwrap());
    assert_eq!(s.capacity, s.reserved - 2 * HEADER);
    let b = addr(arena.alloc(2u64));
    assert_eq!(b, m + 600, "the next block follows in the new chunk");
}
