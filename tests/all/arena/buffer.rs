//! `Arena::from_buffer`: an arena over a caller's bytes and nothing else.
//!
//! - a `static` arena over a `static mut` buffer (a `const fn` initialiser) serves many
//!   threads, from inside the buffer only;
//! - the buffer becomes the one chunk (its first 16-aligned bytes hold the header), and
//!   `reserved` stays 0: nothing comes from a heap;
//! - once the buffer is full, every request fails with `AllocError`; `reset` and
//!   `reset_keep_chunks` make it all available again;
//! - a buffer too small for the header serves nothing, cleanly.

use std::mem::MaybeUninit;

use allockit::alloc::{Allocator, Layout};
use allockit::arena::{NoHeap, Stats};
use allockit::{Arena, TryReserveErrorKind, Vec};

use super::HEADER;

/// A buffer that starts on a 16-byte boundary, so the byte counts are exact.
#[repr(C, align(16))]
struct Aligned<const N: usize>([MaybeUninit<u8>; N]);

impl<const N: usize> Aligned<N> {
    fn new() -> Self {
        Aligned([MaybeUninit::uninit(); N])
    }

    fn range(&self) -> std::ops::Range<usize> {
        let start = self.0.as_ptr() as usize;
        start..start + N
    }
}

fn stats(allocated: usize, capacity: usize, reserved: usize, chunks: usize) -> Stats {
    let mut s = Stats::default();
    s.allocated = allocated;
    s.capacity = capacity;
    s.reserved = reserved;
    s.chunks = chunks;
    s
}

/// Allocates `u64`s until the arena refuses; returns how many fit and the first address.
fn fill_with_u64s(arena: &Arena<NoHeap<'_>>) -> (usize, usize) {
    let mut first = None;
    let mut count = 0;
    while let Ok(x) = arena.try_alloc(count as u64) {
        first.get_or_insert(x as *mut u64 as usize);
        count += 1;
    }
    (count, first.unwrap_or(0))
}

const SHARED_LEN: usize = 256 << 10;
static mut SHARED: [MaybeUninit<u8>; SHARED_LEN] = [MaybeUninit::uninit(); SHARED_LEN];
// SAFETY: `SHARED` is used by nothing but this arena (and this test module only takes
// its address).
static ARENA: Arena<NoHeap<'static>> =
    Arena::from_buffer(unsafe { &mut *std::ptr::addr_of_mut!(SHARED) });

/// What each thread placed in `ARENA`: values and a grown vector.
type Placed = (std::vec::Vec<&'static mut u64>, Vec<u32, &'static Arena<NoHeap<'static>>>);

#[test]
fn a_static_arena_over_a_static_buffer_serves_threads() {
    let start = (&raw const SHARED) as usize;
    let buffer = start..start + SHARED_LEN;
    let placed: std::vec::Vec<Placed> = std::thread::scope(|s| {
        let workers: std::vec::Vec<_> = (0..4u64)
            .map(|t| {
                s.spawn(move || {
                    let values: std::vec::Vec<&mut u64> =
                        (0..500).map(|i| ARENA.alloc((t << 32) | i)).collect();
                    let mut v = Vec::new_in(&ARENA);
                    v.extend((0..2000).map(|i| ((t as u32) << 16) | i));
                    (values, v)
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    let mut spans = std::vec::Vec::new();
    for (t, (values, v)) in placed.iter().enumerate() {
        for (i, x) in values.iter().enumerate() {
            assert_eq!(**x, ((t as u64) << 32) | i as u64);
            spans.push((&**x as *const u64 as usize, 8));
        }
        assert!(v.iter().copied().eq((0..2000).map(|i| ((t as u32) << 16) | i)));
        spans.push((v.as_ptr() as usize, v.capacity() * 4));
    }
    spans.sort_unstable();
    for &(at, len) in &spans {
        assert!(buffer.start <= at && at + len <= buffer.end, "{at:#x} is outside the buffer");
    }
    assert!(spans.windows(2).all(|w| w[0].0 + w[0].1 <= w[1].0), "two blocks overlap");
    let s = ARENA.stats();
    assert_eq!((s.reserved, s.chunks), (0, 1), "{s:?}");
    assert!(s.allocated >= 4 * (500 * 8 + 2000 * 4), "{s:?}");
    assert!(s.capacity <= SHARED_LEN - HEADER, "{s:?}");
    ARENA.check_invariants();
}

#[test]
fn the_buffer_is_the_one_chunk() {
    let mut buf = Aligned::<1024>::new();
    let range = buf.range();
    let arena = Arena::from_buffer(&mut buf.0);
    assert_eq!(arena.stats(), stats(0, 1024 - HEADER, 0, 1));
    let x = arena.alloc(1u8) as *mut u8 as usize;
    assert_eq!(x, range.start + HEADER, "the data starts right after the header");
    arena.check_invariants();
}

#[test]
#[cfg_attr(asan, ignore = "red zones change the byte counts")]
fn a_full_buffer_refuses_everything() {
    let mut buf = Aligned::<1024>::new();
    let range = buf.range();
    let arena = Arena::from_buffer(&mut buf.0);
    let (count, first) = fill_with_u64s(&arena);
    assert_eq!(count, (1024 - HEADER) / 8);
    assert!(range.contains(&first));
    let full = arena.stats();
    assert_eq!(full, stats(1024 - HEADER, 1024 - HEADER, 0, 1));

    assert!(arena.try_alloc(1u8).is_err());
    assert!(arena.try_alloc_with(|| -> u8 { unreachable!("no room, no call") }).is_err());
    assert!(arena.try_alloc_str("x").is_err());
    assert!(arena.try_alloc_slice_copy(&[1u16]).is_err());
    assert!((&arena).allocate(Layout::new::<u8>()).is_err());
    let mut v: Vec<u8, &Arena<NoHeap<'_>>> = Vec::new_in(&arena);
    let kind = v.try_reserve(1).unwrap_err().kind();
    assert!(matches!(kind, TryReserveErrorKind::AllocError { .. }), "{kind:?}");
    assert_eq!(arena.stats(), full);
    // Zero-sized requests take no room.
    assert!(arena.try_alloc(()).is_ok());
    arena.check_invariants();
}

#[test]
#[cfg_attr(asan, ignore = "red zones change the byte counts")]
fn a_request_larger_than_the_buffer_leaves_it_usable() {
    let mut buf = Aligned::<1024>::new();
    let arena = Arena::from_buffer(&mut buf.0);
    let a = arena.alloc(1u32) as *mut u32 as usize;
    let mut v: Vec<u64, &Arena<NoHeap<'_>>> = Vec::new_in(&arena);
    assert!(v.try_reserve(1000).is_err());
    assert!(arena.try_alloc([0u8; 2000]).is_err());
    let b = arena.alloc(2u32) as *mut u32 as usize;
    assert_eq!(b, a + 4);
    assert_eq!(arena.stats().allocated, 8);
}

#[test]
fn reset_makes_the_buffer_reusable() {
    let mut buf = Aligned::<1024>::new();
    let mut arena = Arena::from_buffer(&mut buf.0);
    let (count, first) = fill_with_u64s(&arena);
    arena.reset();
    assert_eq!(arena.stats(), stats(0, 1024 - HEADER, 0, 1));
    assert_eq!(fill_with_u64s(&arena), (count, first), "the same room from the same start");
    arena.reset_keep_chunks();
    assert_eq!(arena.stats(), stats(0, 1024 - HEADER, 0, 1));
    assert_eq!(fill_with_u64s(&arena), (count, first));
    arena.check_invariants();
}

#[test]
#[cfg_attr(asan, ignore = "red zones change the byte counts")]
fn an_unaligned_buffer_loses_its_first_bytes() {
    let mut buf = Aligned::<1024>::new();
    let range = buf.range();
    let arena = Arena::from_buffer(&mut buf.0[1..]);
    // 15 bytes to reach a 16-byte boundary, then the header.
    assert_eq!(arena.stats(), stats(0, 1024 - 16 - HEADER, 0, 1));
    let (count, first) = fill_with_u64s(&arena);
    assert_eq!((count, first), ((1024 - 16 - HEADER) / 8, range.start + 16 + HEADER));
}

#[test]
#[cfg_attr(asan, ignore = "red zones change the byte counts")]
fn a_buffer_too_small_for_a_chunk_serves_nothing() {
    for len in [0, 1, HEADER, HEADER + 15] {
        let mut buf = Aligned::<64>::new();
        let arena = Arena::from_buffer(&mut buf.0[..len]);
        assert!(arena.try_alloc(1u8).is_err(), "{len}");
        assert_eq!(arena.stats(), Stats::default(), "{len}");
        arena.check_invariants();
    }
    let mut buf = Aligned::<64>::new();
    let arena = Arena::from_buffer(&mut buf.0);
    assert_eq!(fill_with_u64s(&arena).0, 2, "64 bytes: the header and 16 bytes of data");
}
