//! `FromGlobalAlloc<G>` over `std::alloc::System` and over [`Probe`], which records every
//! `GlobalAlloc` call and checks that each pointer comes back with exactly the layout it
//! was handed out with: zero-sized layouts never reach `G`, `grow`/`shrink` use `realloc`
//! for the same alignment and allocate, copy and free for another, zeroing requests are
//! zero, and null becomes `AllocError` with the old block left as it was.

use std::alloc::System;
use std::ptr::NonNull;

use allockit::alloc::{AllocError, Allocator, Layout};
use allockit::wrappers::FromGlobalAlloc;
use allockit::{Box, Bump, String, TryReserveErrorKind, Vec, format_string, vec};

use super::{Probe, ProbeCalls};

const SYSTEM: FromGlobalAlloc<System> = FromGlobalAlloc::new(System);
const PROBE: FromGlobalAlloc<Probe> = FromGlobalAlloc::new(Probe);

/// A `ProbeCalls` with the named fields set and the others zero.
macro_rules! calls {
    ($($field:ident: $value:expr),* $(,)?) => {
        ProbeCalls { $($field: $value,)* ..ProbeCalls::default() }
    };
}

fn layout(size: usize, align: usize) -> Layout {
    Layout::from_size_align(size, align).unwrap()
}

/// Writes `0, 1, 2, ...` (mod 251) over the `len` bytes at `p`.
///
/// # Safety
///
/// - `p` must be valid for writes of `len` bytes.
unsafe fn fill(p: NonNull<u8>, len: usize) {
    for i in 0..len {
        // SAFETY: `i < len`, inside the caller's block.
        unsafe { p.as_ptr().add(i).write((i % 251) as u8) };
    }
}

/// Whether the `len` bytes at `p` are still what [`fill`] wrote.
///
/// # Safety
///
/// - `p` must be valid for reads of `len` initialised bytes.
unsafe fn filled(p: NonNull<u8>, len: usize) -> bool {
    // SAFETY: the caller's contract.
    let bytes = unsafe { std::slice::from_raw_parts(p.as_ptr(), len) };
    bytes.iter().enumerate().all(|(i, &b)| b == (i % 251) as u8)
}

/// Whether the `len` bytes at `p + from` are all zero.
///
/// # Safety
///
/// - `p + from` must be valid for reads of `len` initialised bytes.
unsafe fn zero(p: NonNull<u8>, from: usize, len: usize) -> bool {
    // SAFETY: the caller's contract.
    unsafe { std::slice::from_raw_parts(p.as_ptr().add(from), len) }.iter().all(|&b| b == 0)
}

fn aligned(p: NonNull<u8>, align: usize) -> bool {
    p.as_ptr() as usize % align == 0
}

#[test]
fn vec_box_and_string_over_system() {
    let mut v: Vec<u64, FromGlobalAlloc<System>> = Vec::new_in(SYSTEM);
    v.extend(0..1000);
    for i in 1000..5000 {
        v.push(i);
    }
    v.truncate(10);
    v.shrink_to_fit();
    assert_eq!((v.len(), v.capacity()), (10, 10));
    let copy = v.clone();
    assert_eq!(copy, (0..10).collect::<std::vec::Vec<u64>>());

    let b = Box::new_in([7u8; 3000], SYSTEM);
    let mut numbers = Vec::new_in(SYSTEM);
    numbers.extend(0..100u32);
    let slice: Box<[u32], _> = numbers.into_boxed_slice();
    let mut s = String::from_str_in("glibc", SYSTEM);
    s.push_str(" or whatever the system allocator is");
    let f = format_string!(in SYSTEM, "{}-{}", s.len(), slice[99]);
    assert_eq!((b[2999], slice.iter().sum::<u32>(), f.as_str()), (7, 4950, "41-99"));

    let zeros = vec![in SYSTEM; 0u32; 10_000];
    assert!(zeros.iter().all(|&x| x == 0));
}

#[test]
fn collections_resize_through_realloc() {
    let mut v: Vec<u64, _> = Vec::new_in(PROBE);
    for i in 0..9 {
        v.push(i); // capacity 4, 8, 16
    }
    v.shrink_to_fit();
    assert_eq!(Probe::calls(), calls! { alloc: 1, realloc: 3 });
    let b = Box::<[u8; 64], _>::new_zeroed_in(PROBE);
    assert_eq!(Probe::calls().alloc_zeroed, 1);
    drop((v, b));
    assert_eq!(Probe::calls().dealloc, 2);
    Probe::assert_clean();
}

#[test]
fn zero_sized_layouts_never_reach_the_global_alloc() {
    // Zero-sized types and empty collections.
    let mut units: Vec<(), _> = Vec::new_in(PROBE);
    for _ in 0..1000 {
        units.push(());
    }
    let unit = Box::new_in((), PROBE);
    let empty: Box<[u64], _> = Vec::new_in(PROBE).into_boxed_slice();
    let s = String::new_in(PROBE);
    let v: Vec<u8, _> = Vec::with_capacity_in(0, PROBE);
    drop((units, unit, empty, s, v));
    assert_eq!(Probe::calls(), ProbeCalls::default());

    // Zero-sized layouts through the trait: dangling, aligned, and nothing to free.
    for align in [1, 8, 4096, 1 << 20] {
        let z = PROBE.allocate(layout(0, align)).unwrap();
        assert_eq!(z.len(), 0);
        assert!(aligned(z.cast(), align));
        let zz = PROBE.allocate_zeroed(layout(0, align)).unwrap();
        assert!(aligned(zz.cast(), align));
        // SAFETY: zero-sized blocks of this allocator, freed with their layouts.
        unsafe {
            PROBE.deallocate(z.cast(), layout(0, align));
            PROBE.deallocate(zz.cast(), layout(0, align));
        }
    }
    assert_eq!(Probe::calls(), ProbeCalls::default());

    // Growing from a zero-sized block allocates; shrinking to zero frees.
    let z = PROBE.allocate(layout(0, 8)).unwrap().cast::<u8>();
    // SAFETY: `z` is a live (zero-sized) block with `layout(0, 8)`; 100 bytes is larger.
    let block = unsafe { PROBE.grow(z, layout(0, 8), layout(100, 4096)) }.unwrap();
    assert_eq!(block.len(), 100);
    assert!(aligned(block.cast(), 4096));
    assert_eq!(Probe::calls(), calls! { alloc: 1 });
    // SAFETY: live with `layout(100, 4096)`; 0 bytes is smaller.
    let gone = unsafe { PROBE.shrink(block.cast(), layout(100, 4096), layout(0, 64)) }.unwrap();
    assert_eq!(gone.len(), 0);
    assert!(aligned(gone.cast(), 64));
    assert_eq!(Probe::calls(), calls! { alloc: 1, dealloc: 1 });
    // SAFETY: as above, for `grow_zeroed` from a zero-sized block.
    let block = unsafe { PROBE.grow_zeroed(gone.cast(), layout(0, 64), layout(64, 64)) }.unwrap();
    // SAFETY: 64 zeroed bytes.
    assert!(unsafe { zero(block.cast(), 0, 64) });
    assert_eq!(Probe::calls(), calls! { alloc: 1, alloc_zeroed: 1, dealloc: 1 });
    // SAFETY: live with `layout(64, 64)`.
    unsafe { PROBE.deallocate(block.cast(), layout(64, 64)) };
    Probe::assert_clean();
}

#[test]
fn same_alignment_resizes_with_realloc() {
    let block = PROBE.allocate(layout(64, 8)).unwrap();
    assert_eq!(block.len(), 64);
    let p = block.cast::<u8>();
    // SAFETY: 64 writable bytes.
    unsafe { fill(p, 64) };
    // SAFETY: live with `layout(64, 8)`; larger, same alignment.
    let p = unsafe { PROBE.grow(p, layout(64, 8), layout(5000, 8)) }.unwrap().cast::<u8>();
    // SAFETY: the first 64 bytes moved with the block; the rest is ours to write.
    unsafe {
        assert!(filled(p, 64));
        fill(p, 5000);
    }
    // SAFETY: live with `layout(5000, 8)`; smaller, same alignment.
    let p = unsafe { PROBE.shrink(p, layout(5000, 8), layout(10, 8)) }.unwrap();
    assert_eq!(p.len(), 10);
    // SAFETY: the first 10 bytes stayed.
    assert!(unsafe { filled(p.cast(), 10) });
    // SAFETY: the same size and alignment is a valid grow, and shrink.
    let p = unsafe { PROBE.grow(p.cast(), layout(10, 8), layout(10, 8)) }.unwrap();
    assert_eq!(Probe::calls(), calls! { alloc: 1, realloc: 3 });
    // SAFETY: live with `layout(10, 8)`.
    unsafe { PROBE.deallocate(p.cast(), layout(10, 8)) };
    Probe::assert_clean();
}

#[test]
fn alignment_changes_allocate_copy_and_free() {
    // Each step: (old layout, new layout); the block must come out aligned for the new
    // one with its first min(old, new) bytes intact.
    let steps = [
        (layout(64, 8), layout(128, 4096)),    // grow, stricter
        (layout(128, 4096), layout(4096, 16)), // grow, looser
        (layout(4096, 16), layout(100, 4096)), // shrink, stricter
        (layout(100, 4096), layout(50, 1)),    // shrink, looser
    ];
    for allocator in [PROBE, FromGlobalAlloc::new(Probe)] {
        let first = steps[0].0;
        let mut p = allocator.allocate(first).unwrap().cast::<u8>();
        // SAFETY: a fresh block of `first.size()` bytes.
        unsafe { fill(p, first.size()) };
        for (old, new) in steps {
            let before = Probe::calls();
            // SAFETY: `p` is live with `old`; `grow` is called only for a larger size and
            // `shrink` for a smaller one.
            let block = unsafe {
                if new.size() >= old.size() {
                    allocator.grow(p, old, new)
                } else {
                    allocator.shrink(p, old, new)
                }
            }
            .unwrap();
            assert_eq!(block.len(), new.size());
            p = block.cast();
            assert!(aligned(p, new.align()), "{old:?} -> {new:?}");
            let kept = old.size().min(new.size());
            // SAFETY: the first `kept` bytes were copied; the rest is ours to write.
            unsafe {
                assert!(filled(p, kept), "{old:?} -> {new:?}");
                fill(p, new.size());
            }
            let after = Probe::calls();
            assert_eq!(
                (after.alloc - before.alloc, after.dealloc - before.dealloc, after.realloc),
                (1, 1, 0),
                "{old:?} -> {new:?}"
            );
        }
        // SAFETY: live with the last step's new layout.
        unsafe { allocator.deallocate(p, steps[3].1) };
    }
    Probe::assert_clean();
}

#[test]
fn zeroed_requests_are_zero() {
    let block = SYSTEM.allocate_zeroed(layout(1 << 16, 4096)).unwrap();
    // SAFETY: 64 KiB of zeroed bytes.
    assert!(unsafe { zero(block.cast(), 0, 1 << 16) });
    // SAFETY: live with that layout.
    unsafe { SYSTEM.deallocate(block.cast(), layout(1 << 16, 4096)) };

    for (old, new) in [(layout(100, 8), layout(3000, 8)), (layout(100, 8), layout(3000, 4096))] {
        let p = PROBE.allocate(old).unwrap().cast::<u8>();
        // SAFETY: fresh, `old.size()` bytes.
        unsafe { fill(p, old.size()) };
        // SAFETY: live with `old`; `new` is larger.
        let grown = unsafe { PROBE.grow_zeroed(p, old, new) }.unwrap().cast::<u8>();
        assert!(aligned(grown, new.align()));
        // SAFETY: `new.size()` initialised bytes: the old ones, then zeros.
        unsafe {
            assert!(filled(grown, old.size()));
            assert!(zero(grown, old.size(), new.size() - old.size()));
        }
        // SAFETY: live with `new`.
        unsafe { PROBE.deallocate(grown, new) };
    }
    // The same alignment reallocates and zeroes the tail; another one asks for zeroed
    // memory, copies and frees the old block.
    assert_eq!(Probe::calls(), calls! { alloc: 2, alloc_zeroed: 1, realloc: 1, dealloc: 3 });

    let b = Box::<[u64; 512], _>::new_zeroed_in(SYSTEM);
    // SAFETY: zeroed memory is a valid `[u64; 512]`.
    let b = unsafe { b.assume_init() };
    assert!(b.iter().all(|&x| x == 0));
    Probe::assert_clean();
}

#[test]
fn null_is_alloc_error_and_the_old_block_stays() {
    let old = layout(256, 16);
    let p = PROBE.allocate(old).unwrap().cast::<u8>();
    // SAFETY: fresh, 256 bytes.
    unsafe { fill(p, 256) };
    Probe::refuse(true);
    assert_eq!(PROBE.allocate(layout(8, 8)), Err(AllocError));
    assert_eq!(PROBE.allocate_zeroed(layout(8, 8)), Err(AllocError));
    // Zero-sized requests never ask, so they cannot be refused.
    assert!(PROBE.allocate(layout(0, 8)).is_ok());
    // SAFETY: `p` is live with `old`; every new layout is larger for `grow*` and smaller
    // for `shrink`. All are refused, so `p` stays live with `old`.
    unsafe {
        assert!(PROBE.grow(p, old, layout(512, 16)).is_err()); // realloc
        assert!(PROBE.grow(p, old, layout(512, 64)).is_err()); // alloc
        assert!(PROBE.grow_zeroed(p, old, layout(512, 16)).is_err()); // realloc
        assert!(PROBE.grow_zeroed(p, old, layout(512, 64)).is_err()); // alloc_zeroed
        assert!(PROBE.shrink(p, old, layout(100, 16)).is_err()); // realloc
        assert!(PROBE.shrink(p, old, layout(100, 64)).is_err()); // alloc
        assert!(filled(p, 256));
    }
    assert_eq!(Probe::calls().refused, 8);
    assert_eq!(Probe::live_blocks(), 1);

    let mut v: Vec<u8, _> = Vec::new_in(PROBE);
    let err = v.try_reserve(10).unwrap_err();
    assert_eq!(err.kind(), TryReserveErrorKind::AllocError { layout: layout(10, 1) });
    assert!(Box::try_new_in(1u8, PROBE).is_err());
    Probe::refuse(false);

    // SAFETY: still live with `old`.
    unsafe { PROBE.deallocate(p, old) };
    Probe::assert_clean();
}

#[test]
fn copies_are_one_allocator() {
    static SHARED: FromGlobalAlloc<Probe> = FromGlobalAlloc::new(Probe);
    let a = PROBE;
    let b = a; // `Copy`
    let block = a.allocate(layout(32, 8)).unwrap();
    // SAFETY: a block of a copy of `b`, freed through `b` with its layout.
    unsafe { b.deallocate(block.cast(), layout(32, 8)) };

    // A `static` shared by reference: `&FromGlobalAlloc<G>` is an allocator too.
    let mut v: Vec<u32, &FromGlobalAlloc<Probe>> = Vec::new_in(&SHARED);
    v.extend([1, 2, 3]);
    let w = v.clone();
    assert_eq!(v, w);
    drop((v, w));

    let d: FromGlobalAlloc<Probe> = Default::default();
    let _: &Probe = d.inner();
    let _: Probe = d.into_inner();
    assert_eq!(format!("{SYSTEM:?}"), "FromGlobalAlloc { inner: System }");
    Probe::assert_clean();
}

#[test]
fn under_a_bump_and_beside_it() {
    // A bump takes its chunks from the system allocator through the adapter; a chunk
    // holding a lone growing vector grows through `realloc`.
    {
        let bump = Bump::new_in(PROBE);
        let mut big: Vec<u8, &Bump<FromGlobalAlloc<Probe>>> = Vec::new_in(&bump);
        for _ in 0..1 << 20 {
            big.push(1); // alone in its chunk: the chunk grows
        }
        let beside: Vec<u8, _> = vec![in PROBE; 2u8; 100];
        assert_eq!(big.iter().map(|&b| usize::from(b)).sum::<usize>(), 1 << 20);
        assert_eq!(beside[99], 2);
        assert!(Probe::calls().realloc > 0, "{:?}", Probe::calls());
        assert_eq!(Probe::live_blocks(), bump.stats().chunks + 1);
    }
    Probe::assert_clean();
}

#[test]
fn hashbrown_over_system() {
    let mut map = hashbrown::HashMap::new_in(SYSTEM);
    for i in 0..1000u32 {
        map.insert(i, i * 2);
    }
    assert!((0..1000).all(|i| map[&i] == i * 2));
}

#[cfg(feature = "nightly")]
#[test]
fn std_collections_over_the_adapter() {
    let mut v = std::vec::Vec::new_in(PROBE);
    v.extend(0..100u64);
    let b = std::boxed::Box::new_in(5u8, PROBE);
    assert_eq!((v[99], *b), (99, 5));
    drop((v, b));
    Probe::assert_clean();
}
