//! Constructors, raw round trips, conversions and forwarded traits, one by one, over a
//! layout-checking `TestAlloc` where the allocator matters.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::mem::{MaybeUninit, size_of};
use std::pin::Pin;
use std::ptr::NonNull;

use allockit::alloc::{Global, Layout};
use allockit::{Box, Vec};

use crate::common::test_alloc::TestAlloc;

fn hash_of<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut h = DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

/// The box's block is live in `alloc` with the layout of its value.
#[track_caller]
fn assert_owns<T: ?Sized, A: allockit::alloc::Allocator>(alloc: &TestAlloc, b: &Box<T, A>) {
    let layout = Layout::for_value::<T>(b);
    if layout.size() == 0 {
        assert_eq!(alloc.layout_of(Box::as_ptr(b).cast()), None);
    } else {
        assert_eq!(alloc.layout_of(Box::as_ptr(b).cast()), Some(layout));
    }
}

#[test]
fn sizes_match_std() {
    assert_eq!(size_of::<Box<u8>>(), size_of::<usize>());
    assert_eq!(size_of::<Option<Box<u8>>>(), size_of::<usize>());
    assert_eq!(size_of::<Box<[u8]>>(), 2 * size_of::<usize>());
    assert_eq!(size_of::<Box<dyn Fn()>>(), size_of::<std::boxed::Box<dyn Fn()>>());
    assert_eq!(size_of::<Box<u8, &TestAlloc>>(), 2 * size_of::<usize>());
}

#[test]
fn new_in_allocates_the_value_layout() {
    let alloc = TestAlloc::new();
    let b = Box::new_in([7u64; 3], &alloc);
    assert_owns(&alloc, &b);
    assert_eq!(*b, [7; 3]);
    assert_eq!(alloc.stats().allocate, 1);
    drop(b);
    assert_eq!(alloc.stats().deallocate, 1);
    alloc.assert_no_leaks();
}

#[test]
fn uninit_and_zeroed() {
    let alloc = TestAlloc::new();
    let mut b = Box::<u32, _>::new_uninit_in(&alloc);
    b.write(5);
    // SAFETY: written above.
    let b = unsafe { b.assume_init() };
    assert_eq!(*b, 5);
    let z = Box::<[u16; 4], _>::new_zeroed_in(&alloc);
    assert_eq!(alloc.stats().allocate_zeroed, 1);
    // SAFETY: zero bytes are a valid `[u16; 4]`.
    let z = unsafe { z.assume_init() };
    assert_eq!(*z, [0; 4]);
    let w = Box::write(Box::<String, _>::new_uninit_in(&alloc), "s".into());
    assert_eq!(*w, "s");
    drop((b, z, w));
    alloc.assert_no_leaks();

    let g = Box::write(Box::<u8>::new_uninit(), 1);
    assert_eq!(*g, 1);
    // SAFETY: zero is a valid `u8`.
    assert_eq!(*unsafe { Box::<u8>::new_zeroed().assume_init() }, 0);
    assert_eq!(*Box::try_new(3).unwrap(), 3);
}

#[test]
fn slices_uninit_and_zeroed() {
    let alloc = TestAlloc::new();
    let mut b = Box::<[String], _>::new_uninit_slice_in(3, &alloc);
    assert_owns(&alloc, &b);
    for (i, slot) in b.iter_mut().enumerate() {
        slot.write(i.to_string());
    }
    // SAFETY: all three were written.
    let b = unsafe { b.assume_init() };
    assert_eq!(*b, ["0", "1", "2"]);
    assert_owns(&alloc, &b);
    let z = Box::<[u64], _>::new_zeroed_slice_in(5, &alloc);
    // SAFETY: zero is a valid `u64`.
    let z = unsafe { z.assume_init() };
    assert_eq!(*z, [0; 5]);
    let empty = Box::<[u64], _>::new_uninit_slice_in(0, &alloc);
    assert!(empty.is_empty());
    assert_eq!(alloc.stats().requests(), 2, "an empty slice must not allocate");
    drop((b, z, empty));
    alloc.assert_no_leaks();
}

#[test]
fn slice_size_overflow_panics_with_capacity_overflow() {
    let msg = crate::common::panics::expect_panic(|| Box::<[u32]>::new_uninit_slice(usize::MAX));
    assert_eq!(msg, "capacity overflow");
    let msg = crate::common::panics::expect_panic(|| {
        Box::<[u16]>::new_zeroed_slice(isize::MAX as usize / 2 + 1)
    });
    assert_eq!(msg, "capacity overflow");
}

#[test]
fn raw_round_trips() {
    let alloc = TestAlloc::new();
    let b = Box::new_in(String::from("raw"), &alloc);
    let (raw, a) = Box::into_raw_with_allocator(b);
    assert_eq!(alloc.live_bytes(), size_of::<String>());
    // SAFETY: the parts come from `into_raw_with_allocator`.
    let b = unsafe { Box::from_raw_in(raw, a) };
    let (ptr, a): (NonNull<String>, _) = Box::into_non_null_with_allocator(b);
    // SAFETY: the parts come from `into_non_null_with_allocator`.
    let b = unsafe { Box::from_non_null_in(ptr, a) };
    assert_eq!(*b, "raw");
    drop(b);
    alloc.assert_no_leaks();

    let raw: *mut [u8] = Box::into_raw(Box::<[u8]>::from(&[1, 2, 3][..]));
    // SAFETY: from `Box::into_raw`.
    let b = unsafe { Box::from_raw(raw) };
    let nn = Box::into_non_null(b);
    // SAFETY: from `Box::into_non_null`.
    let b = unsafe { Box::from_non_null(nn) };
    assert_eq!(*b, [1, 2, 3]);
}

#[test]
fn leak_and_reclaim() {
    let alloc = TestAlloc::new();
    let r: &mut u32 = Box::leak(Box::new_in(1, &alloc));
    *r += 1;
    assert_eq!(alloc.live_bytes(), 4);
    // SAFETY: `r` is the leaked value of a box from `alloc`; reclaimed once.
    let b = unsafe { Box::from_raw_in(r as *mut u32, &alloc) };
    assert_eq!(*b, 2);
    drop(b);
    alloc.assert_no_leaks();
}

#[test]
fn into_inner_frees_without_dropping_the_value() {
    let alloc = TestAlloc::new();
    let s = Box::into_inner(Box::new_in(String::from("inner"), &alloc));
    alloc.assert_no_leaks();
    assert_eq!(s, "inner");
}

#[test]
fn associated_functions_do_not_shadow_the_value() {
    struct Has;
    impl Has {
        fn allocator(&self) -> &'static str {
            "the value's"
        }
        fn leak(&self) -> u8 {
            7
        }
    }
    let b = Box::new(Has);
    assert_eq!(b.allocator(), "the value's");
    assert_eq!(b.leak(), 7);
    let _: &Global = Box::allocator(&b);
}

#[test]
fn vec_round_trip_keeps_the_block() {
    // With slack, a collection that kept the returned length instead of its request
    // would free with a wrong layout; TestAlloc checks.
    let alloc = TestAlloc::with_slack(5);
    let mut v = Vec::with_capacity_in(10, &alloc);
    v.extend([1u32, 2, 3]);
    let b = v.into_boxed_slice();
    assert_eq!(*b, [1, 2, 3]);
    assert_owns(&alloc, &b);
    assert_eq!(alloc.stats().shrink, 1);
    let ptr = Box::as_ptr(&b).cast::<u32>();
    let v = b.into_vec();
    assert_eq!((v.len(), v.capacity()), (3, 3));
    assert_eq!(v.as_ptr(), ptr, "into_vec must not copy");
    let b: Box<[u32], _> = v.into();
    let v: Vec<u32, _> = b.into();
    drop(v);
    alloc.assert_no_leaks();

    let empty: Box<[u32], _> = Vec::new_in(&alloc).into_boxed_slice();
    assert!(empty.is_empty());
    drop(empty);
    let emptied = Vec::<u32, _>::with_capacity_in(4, &alloc).into_boxed_slice();
    assert!(emptied.is_empty());
    assert_eq!(alloc.live_bytes(), 0, "an emptied vector's block is freed");
    drop(emptied);
    alloc.assert_no_leaks();
}

#[test]
fn from_conversions() {
    let b: Box<u8> = 5.into();
    assert_eq!(*b, 5);
    let s: Box<[String]> = Box::from(&["a".to_string(), "b".to_string()][..]);
    assert_eq!(*s, ["a", "b"]);
    let t: Box<str> = Box::from("héllo");
    assert_eq!(&*t, "héllo");
    let bytes: Box<[u8]> = t.clone().into();
    assert_eq!(*bytes, *"héllo".as_bytes());
    let a: Box<[i32]> = Box::from([1, 2, 3]);
    assert_eq!(*a, [1, 2, 3]);
    let z: Box<[()]> = Box::from([(); 3]);
    assert_eq!(z.len(), 3);
    let c: Box<[u32]> = (0..4).collect();
    assert_eq!(*c, [0, 1, 2, 3]);
    let e: Box<[u32]> = std::iter::empty().collect();
    assert!(e.is_empty());
    let p: Pin<Box<u8>> = Box::new(1).into();
    assert_eq!(*p, 1);

    let std_box: std::boxed::Box<[i32]> = vec![1, 2].into_boxed_slice();
    let ours: Box<[i32]> = Box::from(std_box);
    let back: std::boxed::Box<[i32]> = Box::into_std(ours);
    assert_eq!(*back, [1, 2]);
    let zst: Box<()> = Box::from(std::boxed::Box::new(()));
    drop(Box::into_std(zst));
}

#[test]
fn str_boxes() {
    let alloc = TestAlloc::new();
    let mut v = Vec::new_in(&alloc);
    v.extend_from_slice("abc".as_bytes());
    // SAFETY: the bytes are UTF-8.
    let s = unsafe { Box::from_boxed_utf8_unchecked(v.into_boxed_slice()) };
    assert_owns(&alloc, &s);
    let c = s.clone();
    assert_eq!(c, s);
    assert_eq!(alloc.stats().live_blocks, 2);
    let bytes = c.into_boxed_bytes();
    assert_eq!(*bytes, *b"abc");
    drop((s, bytes));
    alloc.assert_no_leaks();
}

#[test]
fn clone_uses_a_clone_of_the_allocator() {
    let alloc = TestAlloc::new();
    let a = Box::new_in(vec![1, 2], &alloc);
    let mut b = a.clone();
    assert!(std::ptr::eq(*Box::allocator(&b), &alloc));
    assert_eq!(a, b);
    b.clone_from(&Box::new_in(vec![3], &alloc));
    assert_eq!(*b, [3]);
    let s = Box::<[u16], _>::new_zeroed_slice_in(3, &alloc);
    // SAFETY: zero is a valid `u16`.
    let s = unsafe { s.assume_init() };
    let mut t = s.clone();
    t.clone_from(&s);
    let mut u: Box<[u16], _> = Vec::new_in(&alloc).into_boxed_slice();
    u.clone_from(&s);
    assert_eq!(u, s);
    assert_owns(&alloc, &u);
    drop((a, b, s, t, u));
    alloc.assert_no_leaks();
}

#[test]
fn forwarded_traits_match_std() {
    let ours = Box::new(12.5f64);
    let std = std::boxed::Box::new(12.5f64);
    assert_eq!(format!("{ours:?} {ours} {ours:>8.2}"), format!("{std:?} {std} {std:>8.2}"));
    assert_eq!(format!("{:p}", ours), format!("{:p}", Box::as_ptr(&ours)));

    let a: Box<str> = Box::from("apple");
    let b: Box<str> = Box::from("banana");
    assert!(a < b && a <= b && b > a && b >= a && a != b);
    assert_eq!(a.cmp(&b), "apple".cmp("banana"));
    assert_eq!(a.partial_cmp(&b), Some(std::cmp::Ordering::Less));
    assert_eq!(hash_of(&a), hash_of(&std::boxed::Box::<str>::from("apple")));
    assert_eq!(hash_of(&a), hash_of("apple"));

    let d: Box<Vec<u8>> = Box::default();
    assert!(d.is_empty());
    let d: Box<[u8]> = Box::default();
    assert!(d.is_empty());
    let d: Box<str> = Box::default();
    assert_eq!(&*d, "");

    let mut m = Box::new(String::from("x"));
    let r: &String = m.as_ref();
    assert_eq!(r, "x");
    m.as_mut().push('y');
    use std::borrow::{Borrow, BorrowMut};
    let r: &String = m.borrow();
    assert_eq!(r, "xy");
    BorrowMut::<String>::borrow_mut(&mut m).push('z');
    assert_eq!(*m, "xyz");
}

#[test]
fn boxed_iterators() {
    let mut it: Box<std::ops::Range<u32>> = Box::new(0..10);
    assert_eq!(it.size_hint(), (10, Some(10)));
    assert_eq!(it.len(), 10);
    assert_eq!(it.next(), Some(0));
    assert_eq!(it.nth(2), Some(3));
    assert_eq!(it.next_back(), Some(9));
    assert_eq!(it.nth_back(1), Some(7));
    assert_eq!(it.collect::<std::vec::Vec<_>>(), [4, 5, 6]);

    let alloc = TestAlloc::new();
    let (raw, a) = Box::into_raw_with_allocator(Box::new_in([1, 2, 3].into_iter(), &alloc));
    let raw: *mut dyn Iterator<Item = i32> = raw;
    // SAFETY: unsized parts of one box.
    let dyn_it = unsafe { Box::from_raw_in(raw, a) };
    assert_eq!(dyn_it.map(|x| x * 2).sum::<i32>(), 12);
    alloc.assert_no_leaks();

    fn fused<I: std::iter::FusedIterator>(_: &I) {}
    fused(&Box::new(0..1));
}

#[test]
fn boxed_errors() {
    #[derive(Debug)]
    struct Inner;
    impl std::fmt::Display for Inner {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("inner")
        }
    }
    impl std::error::Error for Inner {}
    #[derive(Debug)]
    struct Outer(Inner);
    impl std::fmt::Display for Outer {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("outer")
        }
    }
    impl std::error::Error for Outer {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.0)
        }
    }
    let e = Box::new(Outer(Inner));
    let dyn_e: &dyn std::error::Error = &e;
    assert_eq!(dyn_e.to_string(), "outer");
    assert_eq!(dyn_e.source().unwrap().to_string(), "inner");
}

#[test]
fn pinned_boxes() {
    let p = Box::pin(5);
    assert_eq!(*p, 5);
    let p: Pin<Box<u8, Global>> = Box::pin_in(6, Global);
    assert_eq!(*p, 6);
    let p = Box::into_pin(Box::new(String::from("pinned")));
    assert_eq!(p.as_str(), "pinned");
}

#[test]
fn zero_sized_box_reports_an_aligned_pointer() {
    #[repr(align(64))]
    struct Aligned;
    let alloc = TestAlloc::new();
    let b = Box::new_in(Aligned, &alloc);
    assert_eq!(Box::as_ptr(&b) as usize % 64, 0);
    let u = Box::<[Aligned], _>::new_uninit_slice_in(3, &alloc);
    assert_eq!(Box::as_ptr(&u).cast::<MaybeUninit<Aligned>>() as usize % 64, 0);
    drop((b, u));
    assert_eq!(alloc.stats().calls(), 0);
}
