//! Edge cases of `Bump`: every alignment up to 2^20, zero-sized requests, requests near
//! `isize::MAX`, oversized requests, in-place growth and shrinking (and copying when not in
//! place), `Vec` growth without copies, giving back the newest block, and the bump over a
//! caller's buffer.
//!
//! Requests that would reach the real heap stay small enough for AddressSanitizer (which
//! aborts on absurd sizes); bigger ones go to [`Gate`], which refuses them. Exact byte
//! counts assume blocks without red zones, so those tests are skipped under `cfg(asan)`.

use std::mem::MaybeUninit;
use std::ptr::NonNull;

use allockit::alloc::{Allocator, Layout};
use allockit::bump::NoHeap;
use allockit::{Bump, Vec};

use super::lifecycle::Gate;
use crate::common::panics::expect_panic;
use crate::common::test_alloc::TestAlloc;

/// `(&bump).allocate(layout)` through the `Allocator` trait, as a block start.
fn allocate<A: Allocator>(a: A, layout: Layout) -> Option<NonNull<u8>> {
    let block = a.allocate(layout).ok()?;
    assert!(block.len() >= layout.size());
    Some(block.cast())
}

/// Fills `len` bytes at `p` with `byte`.
///
/// # Safety
///
/// - `p` must be valid for writes of `len` bytes.
unsafe fn fill(p: NonNull<u8>, byte: u8, len: usize) {
    // SAFETY: the caller's contract.
    unsafe { p.as_ptr().write_bytes(byte, len) };
}

/// Whether the `len` bytes at `p` all equal `byte`.
///
/// # Safety
///
/// - `p` must be valid for reads of `len` initialised bytes.
unsafe fn all(p: NonNull<u8>, byte: u8, len: usize) -> bool {
    // SAFETY: the caller's contract.
    unsafe { std::slice::from_raw_parts(p.as_ptr(), len) }.iter().all(|&b| b == byte)
}

/// The 1-byte-aligned filler that puts the bump's next free byte at `offset` modulo
/// `modulus` (a power of two), if the current chunk has room for it.
fn pad_to<A: Allocator>(bump: &Bump<A>, modulus: usize, offset: usize) {
    let probe = bump.alloc_layout(Layout::new::<u8>()).as_ptr() as usize + 1;
    let filler = (offset.wrapping_sub(probe)) & (modulus - 1);
    bump.alloc_layout(Layout::from_size_align(filler, 1).unwrap());
}

// ---------------------------------------------------------------------------------------
// Alignment
// ---------------------------------------------------------------------------------------

#[test]
fn every_alignment_up_to_2_pow_20() {
    let parent = TestAlloc::new();
    let bump = Bump::new_in(&parent);
    let mut blocks: std::vec::Vec<(usize, usize)> = std::vec::Vec::new();
    let aligns = (0..=16).map(|s| 1usize << s).chain([1 << 20]);
    for align in aligns {
        for size in [1, 3, align.min(100), align.min(4096) + 1] {
            // Knock the pointer off every alignment first.
            bump.alloc(0u8);
            let layout = Layout::from_size_align(size, align).unwrap();
            let direct = bump.alloc_layout(layout);
            let traited = allocate(&bump, layout).unwrap();
            for p in [direct, traited] {
                assert_eq!(p.as_ptr() as usize % align, 0, "layout {layout:?}");
                // SAFETY: a fresh block of `size` writable bytes.
                unsafe { fill(p, (align.trailing_zeros() + 1) as u8, size) };
                blocks.push((p.as_ptr() as usize, size));
            }
            bump.check_invariants();
        }
    }
    blocks.sort_unstable();
    for w in blocks.windows(2) {
        assert!(w[0].0 + w[0].1 <= w[1].0, "blocks overlap: {:?}", w);
    }
    // Every block from the parent was a valid layout, and all of it comes back.
    assert_eq!(bump.stats().reserved, parent.live_bytes());
    drop(bump);
    parent.assert_no_leaks();
}

#[test]
fn large_alignments_through_the_trait_can_be_freed_and_grown() {
    // One chunk with room for every padding and growth below (its memory stays untouched).
    let bump = Bump::with_capacity(4 << 20);
    for shift in [5, 12, 16, 20] {
        let align = 1usize << shift;
        let old = Layout::from_size_align(24, align).unwrap();
        let p = allocate(&bump, old).unwrap();
        // SAFETY: `p` holds 24 writable bytes.
        unsafe { fill(p, 0x11, 24) };
        let new = Layout::from_size_align(4000, align).unwrap();
        // SAFETY: `p` is the newest block, allocated with `old`; `new` is larger.
        let q = unsafe { (&bump).grow(p, old, new) }.unwrap().cast::<u8>();
        assert_eq!(q, p, "the newest block grows in place, align {align}");
        // SAFETY: `q` holds 4000 bytes, the first 24 initialised.
        assert!(unsafe { all(q, 0x11, 24) });
        let before = bump.stats().allocated;
        // SAFETY: `q` is the newest block, with layout `new`.
        unsafe { (&bump).deallocate(q, new) };
        if !cfg!(asan) {
            assert_eq!(bump.stats().allocated, before - 4000);
        }
        bump.check_invariants();
    }
    assert_eq!(bump.stats().chunks, 1);
}

// ---------------------------------------------------------------------------------------
// Zero-sized requests
// ---------------------------------------------------------------------------------------

#[test]
#[cfg_attr(asan, ignore = "zero-sized blocks get red zones")]
fn zero_sized_requests_never_take_a_chunk() {
    let parent = TestAlloc::new();
    let bump = Bump::new_in(&parent);
    for shift in 0..=20 {
        let layout = Layout::from_size_align(0, 1 << shift).unwrap();
        let p = bump.alloc_layout(layout);
        assert_eq!(p.as_ptr() as usize % layout.align(), 0);
        let q = allocate(&bump, layout).unwrap();
        assert_eq!(q.as_ptr() as usize % layout.align(), 0);
        // SAFETY: `q` was allocated by the bump with `layout`.
        unsafe { (&bump).deallocate(q, layout) };
    }
    bump.alloc(());
    assert_eq!(bump.alloc_slice_copy(&[(); 64]).len(), 64);
    assert_eq!(bump.alloc_slice_fill_with(1000, |_| ()).len(), 1000);
    assert_eq!(bump.stats(), Default::default());
    assert_eq!(parent.stats().requests(), 0);
    bump.check_invariants();

    // On a used bump: aligned, and still no new chunk.
    bump.alloc(1u8);
    let s = bump.stats();
    for shift in 0..=20 {
        let layout = Layout::from_size_align(0, 1 << shift).unwrap();
        let p = bump.alloc_layout(layout);
        assert_eq!(p.as_ptr() as usize % layout.align(), 0);
        let q = allocate(&bump, layout).unwrap();
        assert_eq!(q.as_ptr() as usize % layout.align(), 0);
        // SAFETY: `q` was allocated by the bump with `layout`.
        unsafe { (&bump).deallocate(q, layout) };
        assert!(bump.stats().allocated <= s.capacity);
    }
    let after = bump.stats();
    assert_eq!((after.chunks, after.reserved), (s.chunks, s.reserved));
    assert_eq!(parent.stats().requests(), 1);
    bump.check_invariants();

    // Under a zero limit too.
    let limited = Bump::new();
    limited.set_allocation_limit(Some(0));
    assert!(limited.try_alloc(()).is_ok());
    assert!(limited.try_alloc_layout(Layout::from_size_align(0, 4096).unwrap()).is_ok());
    assert!(limited.try_alloc(0u8).is_err());
}

#[test]
fn growing_from_zero_size_and_freeing_zero_sized_blocks() {
    for used in [false, true] {
        let parent = TestAlloc::new();
        let bump = Bump::new_in(&parent);
        if used {
            bump.alloc(7u64);
        }
        for align in [1, 8, 64, 4096] {
            let zero = Layout::from_size_align(0, align).unwrap();
            let p = allocate(&bump, zero).unwrap();
            let before = bump.stats().allocated;
            // SAFETY: `p` was allocated with `zero`; freeing a zero-sized block is a no-op.
            unsafe { (&bump).deallocate(p, zero) };
            if !cfg!(asan) {
                // (Under ASan a zero-sized block has a red zone, which is given back.)
                assert_eq!(bump.stats().allocated, before);
            }

            let p = allocate(&bump, zero).unwrap();
            let new = Layout::from_size_align(100, align).unwrap();
            // SAFETY: `p` was allocated with `zero`, and 100 >= 0.
            let q = unsafe { (&bump).grow(p, zero, new) }.unwrap().cast::<u8>();
            assert_eq!(q.as_ptr() as usize % align, 0);
            // SAFETY: `q` is a block of 100 writable bytes.
            unsafe { fill(q, 0x42, 100) };
            // SAFETY: as above.
            assert!(unsafe { all(q, 0x42, 100) });
            // And back to zero.
            // SAFETY: `q` was allocated with `new`; 0 <= 100.
            let r = unsafe { (&bump).shrink(q, new, zero) }.unwrap().cast::<u8>();
            assert_eq!(r.as_ptr() as usize % align, 0);
            // SAFETY: `r` is a block with layout `zero`.
            unsafe { (&bump).deallocate(r, zero) };
            bump.check_invariants();
        }
        if used {
            assert_eq!(*bump.alloc(9u64), 9);
        }
        drop(bump);
        parent.assert_no_leaks();
    }
}

// ---------------------------------------------------------------------------------------
// Huge requests
// ---------------------------------------------------------------------------------------

#[test]
fn layouts_near_isize_max_fail_cleanly() {
    let gate = Gate::new(1 << 30);
    let bump = Bump::new_in(&gate);
    bump.alloc(1u64);
    let before = bump.stats();
    let max = isize::MAX as usize;
    let layouts = [
        Layout::from_size_align(max, 1).unwrap(),
        Layout::from_size_align(max - 15, 16).unwrap(),
        Layout::from_size_align(max - 100, 1).unwrap(),
        Layout::from_size_align(max - 10_000, 1).unwrap(),
        Layout::from_size_align(max + 1 - (1 << 20), 1 << 20).unwrap(),
        Layout::from_size_align(0, 1 << 62).unwrap(),
        Layout::from_size_align(1, 1 << 62).unwrap(),
        Layout::from_size_align(1 << 62, 8).unwrap(),
        Layout::from_size_align((1 << 30) + 1, 8).unwrap(),
    ];
    for layout in layouts {
        if layout.size() == 0 {
            if cfg!(asan) {
                continue; // a red zone with that alignment cannot be allocated
            }
            // A zero-sized block of any alignment is a dangling pointer.
            assert_eq!(
                bump.try_alloc_layout(layout).unwrap().as_ptr() as usize % layout.align(),
                0
            );
            continue;
        }
        assert!(bump.try_alloc_layout(layout).is_err(), "{layout:?}");
        assert!((&bump).allocate(layout).is_err(), "{layout:?}");
        assert_eq!(bump.stats(), before, "{layout:?}");
        bump.check_invariants();
    }
    // Whatever reached the parent after the first chunk was a real size (no wrap-around),
    // bigger than the gate allows, and refused.
    let log = gate.log();
    assert!(log[1..].iter().all(|&(size, granted)| size > 1 << 30 && !granted), "{log:?}");
    assert_eq!(gate.live(), before.reserved);

    // Growing to a huge size fails and leaves the block as it was.
    let small = Layout::from_size_align(32, 16).unwrap();
    let p = allocate(&bump, small).unwrap();
    // SAFETY: 32 writable bytes.
    unsafe { fill(p, 0x77, 32) };
    for new in [layouts[1], layouts[4], layouts[7]] {
        // SAFETY: `p` was allocated with `small`, and `new` is larger.
        let grown = unsafe { (&bump).grow(p, small, new) };
        assert!(grown.is_err(), "{new:?}");
    }
    // SAFETY: the failed grows left the block alone.
    assert!(unsafe { all(p, 0x77, 32) });
    let q = allocate(&bump, Layout::new::<u8>()).unwrap();
    if !cfg!(asan) {
        assert_eq!(q.as_ptr() as usize, p.as_ptr() as usize + 32, "the bump pointer did not move");
    }

    // Slices too long for the address space.
    assert!(bump.try_alloc_slice_fill_with(usize::MAX, |_| 0u8).is_err());
    assert!(bump.try_alloc_slice_fill_with(usize::MAX / 2, |_| 0u32).is_err());
    assert_eq!(
        expect_panic(|| bump.alloc_slice_fill_with(usize::MAX / 8, |_| 0u64).len()),
        "capacity overflow"
    );
    bump.check_invariants();
}

#[test]
#[cfg_attr(asan, ignore = "red zones change the byte counts")]
fn a_request_bigger_than_the_chunk_cap_gets_its_own_chunk() {
    let gate = Gate::new(usize::MAX);
    let bump = Bump::new_in(&gate);
    bump.alloc(1u64);
    let big = 17 << 20;
    let p = bump.alloc_layout(Layout::from_size_align(big, 64).unwrap());
    assert_eq!(p.as_ptr() as usize % 64, 0);
    let c: std::vec::Vec<_> = bump.chunks().collect();
    assert_eq!(c.len(), 2);
    assert!(c[1].capacity >= big && c[1].block_size <= big + 256);
    assert_eq!(c[1].allocated, p.as_ptr() as usize - c[1].data_start as usize + big);
    assert_eq!(bump.stats().allocated, 8 + c[1].allocated);
    // Small blocks after it go to a new chunk once its little tail is used up.
    for i in 0..100u64 {
        bump.alloc(i);
    }
    let c: std::vec::Vec<_> = bump.chunks().collect();
    assert_eq!(c.len(), 3);
    assert_eq!(c[2].block_size, (16 << 20) - 16, "capped below the oversized chunk");
    assert_eq!(gate.live(), bump.stats().reserved);
    // Only the headers and the small blocks were written: the big block stays untouched.
    bump.check_invariants();
}

// ---------------------------------------------------------------------------------------
// grow / shrink / deallocate through the trait
// ---------------------------------------------------------------------------------------

#[test]
fn the_newest_block_grows_and_shrinks_in_place() {
    let bump = Bump::new();
    bump.alloc(0u64);
    let l16 = Layout::from_size_align(16, 8).unwrap();
    let p = allocate(&bump, l16).unwrap();
    // SAFETY: 16 writable bytes.
    unsafe { fill(p, 0xa1, 16) };
    let before = bump.stats().allocated;
    let l200 = Layout::from_size_align(200, 8).unwrap();
    // SAFETY: `p` was allocated with `l16`; 200 >= 16.
    let q = unsafe { (&bump).grow(p, l16, l200) }.unwrap().cast::<u8>();
    assert_eq!(q, p);
    // SAFETY: the first 16 bytes were kept.
    assert!(unsafe { all(q, 0xa1, 16) });
    if !cfg!(asan) {
        assert_eq!(bump.stats().allocated, before + 184);
    }
    // SAFETY: `q` has 200 bytes.
    unsafe { fill(q, 0xa2, 200) };
    let l40 = Layout::from_size_align(40, 8).unwrap();
    // SAFETY: `q` was allocated with `l200`; 40 <= 200.
    let r = unsafe { (&bump).shrink(q, l200, l40) }.unwrap().cast::<u8>();
    assert_eq!(r, p);
    // SAFETY: 40 bytes kept.
    assert!(unsafe { all(r, 0xa2, 40) });
    if !cfg!(asan) {
        assert_eq!(bump.stats().allocated, before + 24);
    }
    // Grown with grow_zeroed: in place like `grow`, the old bytes kept, the new ones zero.
    let l64 = Layout::from_size_align(64, 8).unwrap();
    // SAFETY: `r` was allocated with `l40`; 64 >= 40.
    let z = unsafe { (&bump).grow_zeroed(r, l40, l64) }.unwrap().cast::<u8>();
    assert_eq!(z, p, "the newest block grows in place");
    // SAFETY: 64 bytes: 40 kept, 24 zeroed.
    unsafe {
        assert!(all(z, 0xa2, 40));
        assert!(all(z.add(40), 0, 24));
    }
    bump.check_invariants();
}

#[test]
fn a_block_that_is_not_the_newest_is_copied_when_grown() {
    let parent = TestAlloc::new();
    let bump = Bump::new_in(&parent);
    let l = Layout::from_size_align(24, 8).unwrap();
    let a = allocate(&bump, l).unwrap();
    let b = allocate(&bump, l).unwrap();
    // SAFETY: each is 24 writable bytes.
    unsafe {
        fill(a, 0xaa, 24);
        fill(b, 0xbb, 24);
    }
    let before = bump.stats().allocated;
    let big = Layout::from_size_align(100, 8).unwrap();
    // SAFETY: `a` was allocated with `l`; 100 >= 24.
    let a2 = unsafe { (&bump).grow(a, l, big) }.unwrap().cast::<u8>();
    assert_ne!(a2, a);
    assert!(a2.as_ptr() as usize >= b.as_ptr() as usize + 24);
    // SAFETY: 24 bytes copied, and `b` is untouched.
    unsafe {
        assert!(all(a2, 0xaa, 24));
        assert!(all(b, 0xbb, 24));
    }
    if !cfg!(asan) {
        // The old block is not given back (it is not the newest).
        assert_eq!(bump.stats().allocated, before + 100);
    }
    // Shrinking a block that is not the newest keeps it where it is.
    let small = Layout::from_size_align(8, 8).unwrap();
    // SAFETY: `b` was allocated with `l`; 8 <= 24.
    let b2 = unsafe { (&bump).shrink(b, l, small) }.unwrap().cast::<u8>();
    assert_eq!(b2, b);
    // SAFETY: 8 bytes kept.
    assert!(unsafe { all(b2, 0xbb, 8) });
    // And freeing it gives nothing back.
    let s = bump.stats();
    // SAFETY: `b2` was allocated with `small`.
    unsafe { (&bump).deallocate(b2, small) };
    assert_eq!(bump.stats(), s);
    bump.check_invariants();
    drop(bump);
    parent.assert_no_leaks();
}

#[test]
#[cfg_attr(asan, ignore = "red zones change the byte counts")]
fn growing_the_newest_block_past_its_chunk_moves_it_and_trims_the_old_chunk() {
    let bump = Bump::new();
    bump.alloc(0u64);
    let l = Layout::from_size_align(64, 8).unwrap();
    let p = allocate(&bump, l).unwrap();
    // SAFETY: 64 writable bytes.
    unsafe { fill(p, 0x5e, 64) };
    let first = bump.chunks().next().unwrap();
    let big = Layout::from_size_align(first.capacity, 8).unwrap();
    // SAFETY: `p` was allocated with `l`; the chunk's capacity is more than 64.
    let q = unsafe { (&bump).grow(p, l, big) }.unwrap().cast::<u8>();
    assert_ne!(q, p);
    // SAFETY: the first 64 bytes were copied.
    assert!(unsafe { all(q, 0x5e, 64) });
    let c: std::vec::Vec<_> = bump.chunks().collect();
    assert_eq!(c.len(), 2);
    // The old chunk counts only what lies before the moved block.
    assert_eq!(c[0].allocated, 8);
    assert_eq!(bump.stats().allocated, 8 + first.capacity);
    bump.check_invariants();
}

#[test]
#[cfg_attr(asan, ignore = "red zones change the byte counts")]
fn shrinking_to_a_stricter_alignment() {
    let bump = Bump::with_capacity(1 << 12);
    let old = Layout::from_size_align(128, 8).unwrap();
    let new = Layout::from_size_align(48, 64).unwrap();
    for newest in [true, false] {
        // A block that is 8- but not 64-aligned.
        pad_to(&bump, 64, 8);
        let p = allocate(&bump, old).unwrap();
        assert_eq!(p.as_ptr() as usize % 64, 8);
        // SAFETY: 128 writable bytes; write 0, 1, 2, ...
        unsafe {
            for i in 0..128 {
                p.as_ptr().add(i).write(i as u8);
            }
        }
        if !newest {
            bump.alloc(0u8);
        }
        // SAFETY: `p` was allocated with `old`; 48 <= 128.
        let q = unsafe { (&bump).shrink(p, old, new) }.unwrap().cast::<u8>();
        assert_eq!(q.as_ptr() as usize % 64, 0);
        assert_ne!(q, p);
        // SAFETY: 48 bytes were copied.
        let kept = unsafe { std::slice::from_raw_parts(q.as_ptr(), 48) };
        assert!(kept.iter().enumerate().all(|(i, &b)| b == i as u8));
        bump.check_invariants();

        // Already aligned: it stays in place.
        pad_to(&bump, 64, 0);
        let p = allocate(&bump, old).unwrap();
        assert_eq!(p.as_ptr() as usize % 64, 0);
        if !newest {
            bump.alloc(0u8);
        }
        // SAFETY: as above.
        let q = unsafe { (&bump).shrink(p, old, new) }.unwrap().cast::<u8>();
        assert_eq!(q, p);
    }
}

#[test]
#[cfg_attr(asan, ignore = "red zones change the byte counts")]
fn freeing_the_newest_block_gives_its_bytes_back() {
    // One chunk for everything: a block in a chunk the bump has left is never the newest.
    let bump = Bump::with_capacity(4096);
    let la = Layout::from_size_align(8, 8).unwrap();
    let lb = Layout::from_size_align(24, 8).unwrap();
    let a = allocate(&bump, la).unwrap();
    let b = allocate(&bump, lb).unwrap();
    assert_eq!(bump.stats().allocated, 32);
    // SAFETY: `b` is the newest block, allocated with `lb`.
    unsafe { (&bump).deallocate(b, lb) };
    assert_eq!(bump.stats().allocated, 8);
    let c = allocate(&bump, lb).unwrap();
    assert_eq!(c, b, "the freed bytes are reused");
    // `a` is no longer the newest: freeing it is a no-op.
    // SAFETY: `a` was allocated with `la`.
    unsafe { (&bump).deallocate(a, la) };
    assert_eq!(bump.stats().allocated, 32);
    // SAFETY: `c` is the newest block.
    unsafe { (&bump).deallocate(c, lb) };
    assert_eq!(bump.stats().allocated, 8);
    // Freed in reverse order, everything comes back.
    let blocks: std::vec::Vec<_> =
        (1..=20).map(|n| (allocate(&bump, Layout::array::<u32>(n).unwrap()).unwrap(), n)).collect();
    for &(p, n) in blocks.iter().rev() {
        // SAFETY: each block is the newest when freed, with its own layout.
        unsafe { (&bump).deallocate(p, Layout::array::<u32>(n).unwrap()) };
    }
    assert_eq!(bump.stats().allocated, 8);
    bump.check_invariants();
}

// ---------------------------------------------------------------------------------------
// Vec growth in place
// ---------------------------------------------------------------------------------------

#[test]
fn vec_push_grows_in_place_while_its_buffer_is_the_newest_block() {
    let bump = Bump::with_capacity(1 << 20);
    let mut v: Vec<u64, &Bump> = Vec::new_in(&bump);
    v.push(0);
    let start = v.as_ptr();
    let mut cap = v.capacity();
    let mut growths = 0;
    // Up to 16384 items (128 KiB): room is left in the chunk to copy the buffer and
    // still grow in place after that.
    for i in 1..10_000u64 {
        v.push(i);
        if v.capacity() != cap {
            assert_eq!(v.as_ptr(), start, "moved when growing from {cap} to {}", v.capacity());
            cap = v.capacity();
            growths += 1;
        }
    }
    assert!(growths >= 10);
    assert_eq!(bump.stats().chunks, 1);
    assert!(v.iter().enumerate().all(|(i, &x)| x == i as u64));

    // Growth in place is not a copy at all: the bump's usage is just the buffer.
    if !cfg!(asan) {
        assert_eq!(bump.stats().allocated, v.capacity() * 8);
    }
    // Another block after the buffer: the next growth copies...
    let marker = bump.alloc(0xdead_u32);
    while v.len() < v.capacity() {
        v.push(v.len() as u64);
    }
    v.push(v.len() as u64);
    let moved = v.as_ptr();
    assert_ne!(moved, start);
    assert!(v.iter().enumerate().all(|(i, &x)| x == i as u64));
    assert_eq!(*marker, 0xdead);
    // ...and then it is the newest block again, and grows in place.
    let cap = v.capacity();
    while v.capacity() == cap {
        v.push(v.len() as u64);
    }
    assert_eq!(v.as_ptr(), moved);
    assert!(v.iter().enumerate().all(|(i, &x)| x == i as u64));
    bump.check_invariants();
}

// ---------------------------------------------------------------------------------------
// The bump over a caller's buffer
// ---------------------------------------------------------------------------------------

#[repr(C, align(64))]
struct Aligned<const N: usize>([MaybeUninit<u8>; N]);

impl<const N: usize> Aligned<N> {
    fn new() -> Self {
        Aligned([MaybeUninit::uninit(); N])
    }
}

/// The bytes in front of a buffer-backed bump's data.
fn buffer_header() -> usize {
    let mut buf = Aligned::<1024>::new();
    let bump = Bump::from_buffer(&mut buf.0);
    1024 - bump.stats().capacity
}

#[test]
fn tiny_and_misaligned_buffers() {
    let header = buffer_header();
    let mut storage = Aligned::<256>::new();
    for offset in 0..32 {
        for len in 0..100 {
            let buf = &mut storage.0[offset..offset + len];
            let (lo, hi) = (buf.as_ptr() as usize, buf.as_ptr() as usize + len);
            let bump = Bump::from_buffer(buf);
            let data = lo.next_multiple_of(16) + header;
            let end = hi & !15;
            let expected = if end >= data + 16 { end - data } else { 0 };
            let s = bump.stats();
            assert_eq!(s.capacity, expected, "offset {offset}, len {len}");
            assert_eq!((s.chunks, s.reserved, s.allocated), (usize::from(expected > 0), 0, 0));
            bump.check_invariants();
            if !cfg!(asan) {
                // Fill it byte by byte: exactly `capacity` bytes, all inside the buffer.
                let mut n = 0;
                while let Ok(b) = bump.try_alloc(n as u8) {
                    let p = b as *mut u8 as usize;
                    assert!(lo <= p && p < hi);
                    n += 1;
                }
                assert_eq!(n, expected, "offset {offset}, len {len}");
                assert_eq!(bump.stats().allocated, expected);
                assert!(bump.try_alloc_layout(Layout::new::<u8>()).is_err());
            }
            if !cfg!(asan) {
                // Zero-sized values always fit, full or not (under ASan they have red zones).
                assert!(bump.try_alloc(()).is_ok());
                let z = bump.try_alloc_layout(Layout::from_size_align(0, 256).unwrap()).unwrap();
                assert_eq!(z.as_ptr() as usize % 256, 0);
            }
            bump.check_invariants();
        }
    }
}

#[test]
#[cfg_attr(asan, ignore = "red zones change the byte counts")]
fn a_buffer_is_filled_exactly_then_fails_then_resets() {
    let header = buffer_header();
    let mut buf = Aligned::<512>::new();
    let capacity = 512 - header;
    let mut bump = Bump::from_buffer(&mut buf.0);
    assert_eq!(bump.stats().capacity, capacity);
    let first = bump.alloc_layout(Layout::from_size_align(capacity, 8).unwrap());
    assert!(bump.try_alloc(0u8).is_err());
    assert!((&bump).allocate(Layout::new::<u8>()).is_err());
    assert_eq!(bump.stats().allocated, capacity);
    // One byte too many never fits.
    bump.reset();
    assert!(bump.try_alloc_layout(Layout::from_size_align(capacity + 1, 1).unwrap()).is_err());
    assert_eq!(bump.stats().allocated, 0);
    // After a reset, the same bytes are handed out again.
    for _ in 0..3 {
        bump.reset_keep_chunks();
        let again = bump.alloc_layout(Layout::from_size_align(capacity, 8).unwrap());
        assert_eq!(again, first);
        bump.reset();
        let mut n = 0;
        while bump.try_alloc(0u64).is_ok() {
            n += 1;
        }
        assert_eq!(n * 8, capacity);
        bump.check_invariants();
    }
    // A Vec in the buffer fails with Err when it no longer fits.
    bump.reset();
    let mut v: Vec<u8, &Bump<NoHeap<'_>>> = Vec::new_in(&bump);
    v.extend_from_slice(&[1; 100]);
    assert!(v.try_reserve(capacity).is_err());
    assert_eq!(v.len(), 100);
    drop(v);
    bump.scope(|b| {
        b.alloc_slice_copy(&[2u8; 64]);
    });
    assert_eq!(bump.stats().allocated, 0);
    assert_eq!(bump.stats().reserved, 0);
}

#[test]
fn the_buffer_is_the_callers_again_after_the_bump() {
    let mut buf = Aligned::<600>::new();
    let base = buf.0.as_ptr() as usize;
    let offset = {
        let bump = Bump::from_buffer(&mut buf.0);
        let s = bump.alloc_str("left in the buffer");
        let p = s.as_ptr() as usize;
        assert!(base <= p && p + s.len() <= base + 600);
        p - base
    };
    // What the bump wrote is there.
    // SAFETY: these bytes were written by `alloc_str`.
    let text: std::vec::Vec<u8> =
        buf.0[offset..offset + 18].iter().map(|b| unsafe { b.assume_init() }).collect();
    assert_eq!(text, b"left in the buffer");
    // And the whole buffer can be used by the caller again.
    for (i, b) in buf.0.iter_mut().enumerate() {
        b.write(i as u8);
    }
    // SAFETY: every byte was just written.
    assert!(buf.0.iter().enumerate().all(|(i, b)| unsafe { b.assume_init() } == i as u8));
    // And by a new bump.
    let bump = Bump::from_buffer(&mut buf.0[7..]);
    assert_eq!(bump.alloc_slice_copy(&[3u16; 100]).len(), 100);
    bump.check_invariants();
}
