//! Focused tests for what the differential driver does not reach: the `vec!` forms,
//! raw parts, conversions to and from std's `Vec`, `leak`, `into_flattened`, formatting,
//! hashing, overflow, zero-sized types, the exact growth sequence and how growth reaches
//! the allocator, and the auto traits.

use std::cell::Cell;
use std::hash::{BuildHasher, Hash};
use std::io::Write;
use std::marker::PhantomData;
use std::mem::{self, ManuallyDrop};
use std::ptr::NonNull;
use std::rc::Rc;
use std::vec::Vec as StdVec;

use allockit::alloc::{Allocator, Layout};
use allockit::vec::{Drain, IntoIter};
use allockit::{TryReserveErrorKind, Vec, vec};

use crate::common::drop_counter::{self, Counts, Tracked};
use crate::common::panics::{catch, expect_panic};
use crate::common::test_alloc::TestAlloc;
use crate::common::vec_model::hash_of;

// --- the vec! macro ---------------------------------------------------------------------

#[test]
fn vec_macro_forms() {
    let empty: Vec<u8> = vec![];
    assert_eq!((empty.len(), empty.capacity()), (0, 0));

    let list = vec![1u64, 2, 3];
    assert_eq!(list, [1, 2, 3]);
    assert_eq!(list.capacity(), 3, "a list gets exactly its length as capacity");
    let trailing = vec![1u64, 2, 3];
    assert_eq!(trailing, list);

    let repeated = vec![String::from("ab"); 4];
    assert_eq!(repeated, ["ab", "ab", "ab", "ab"]);
    assert_eq!(repeated.capacity(), 4);
    let none: Vec<String> = vec![String::from("x"); 0];
    assert_eq!((none.len(), none.capacity()), (0, 0));

    let nested = vec![vec![1u8, 2]; 2];
    assert_eq!(nested, [vec![1u8, 2], vec![1, 2]]);

    let alloc = TestAlloc::new();
    {
        let a: Vec<u32, &TestAlloc> = vec![in &alloc];
        assert_eq!(a.capacity(), 0);
        let b = vec![in &alloc; 1u32, 2];
        assert_eq!((b.as_slice(), b.capacity()), (&[1, 2][..], 2));
        let c = vec![in &alloc; 7u16; 5];
        assert_eq!((c.as_slice(), c.capacity()), (&[7; 5][..], 5));
        assert!(std::ptr::eq(*c.allocator(), &alloc));
        assert_eq!(alloc.stats().allocate, 2, "the empty form must not allocate");
        assert_eq!(alloc.layout_of(c.as_ptr().cast()), Some(Layout::array::<u16>(5).unwrap()));
    }
    alloc.assert_no_leaks();
}

/// `vec![x; n]` clones `n - 1` times and moves `x` into the last slot, as std does.
#[test]
fn vec_macro_clone_count_matches_std() {
    for n in 0..5 {
        drop_counter::reset();
        drop(std::vec![Tracked::new(1); n]);
        let theirs = drop_counter::counts();
        drop_counter::reset();
        drop(vec![Tracked::new(1); n]);
        assert_eq!(drop_counter::counts(), theirs, "vec![x; {n}]");
    }
}

// --- raw parts and conversions ----------------------------------------------------------

#[test]
fn raw_parts_round_trip() {
    let v: Vec<String> = vec![String::from("a"), String::from("b")];
    let ptr = v.as_ptr();
    let (p, len, cap) = v.into_raw_parts();
    assert_eq!((p.cast_const(), len, cap), (ptr, 2, 2));
    // SAFETY: the parts come from `into_raw_parts` of a global-heap vector.
    let v = unsafe { Vec::from_raw_parts(p, len, cap) };
    assert_eq!(v, ["a", "b"]);

    let alloc = TestAlloc::new();
    {
        let mut v: Vec<u32, &TestAlloc> = Vec::with_capacity_in(10, &alloc);
        v.extend([1, 2, 3]);
        let (p, len, cap, a) = v.into_raw_parts_with_alloc();
        assert_eq!((len, cap), (3, 10));
        assert!(std::ptr::eq(a, &alloc));
        assert_eq!(alloc.layout_of(p.cast()), Some(Layout::array::<u32>(10).unwrap()));
        // SAFETY: the parts come from `into_raw_parts_with_alloc`.
        let mut v = unsafe { Vec::from_raw_parts_in(p, len, cap, a) };
        v.push(4);
        assert_eq!(v, [1, 2, 3, 4]);
    }
    alloc.assert_no_leaks();
}

/// Both vectors use the global heap with the same layout, so the buffer changes hands
/// without a copy, in both directions, and through raw parts too.
#[test]
fn std_vec_conversions_are_zero_copy() {
    let mut theirs: StdVec<u64> = StdVec::with_capacity(10);
    theirs.extend([1, 2, 3]);
    let ptr = theirs.as_ptr();
    let ours: Vec<u64> = Vec::from(theirs);
    assert_eq!((ours.as_ptr(), ours.len(), ours.capacity()), (ptr, 3, 10));
    assert_eq!(ours, [1, 2, 3]);
    let back: StdVec<u64> = ours.into();
    assert_eq!((back.as_ptr(), back.len(), back.capacity()), (ptr, 3, 10));

    let mut theirs = ManuallyDrop::new(back);
    // SAFETY: std's `Vec<u64>` buffer is a global-heap block of `capacity` u64s.
    let ours = unsafe { Vec::from_raw_parts(theirs.as_mut_ptr(), theirs.len(), theirs.capacity()) };
    assert_eq!(ours.as_ptr(), ptr);
    drop(ours);

    let zst: Vec<()> = Vec::from(std::vec![(); 5]);
    assert_eq!((zst.len(), zst.capacity()), (5, usize::MAX));
    let back: StdVec<()> = zst.into();
    assert_eq!(back.len(), 5);
}

#[test]
fn from_slices_and_arrays() {
    let a = Vec::from([1u8, 2, 3]);
    assert_eq!((a.as_slice(), a.capacity()), (&[1, 2, 3][..], 3));
    let s = Vec::from(&[String::from("x")][..]);
    assert_eq!((s.len(), s.capacity()), (1, 1));
    let e: Vec<u8> = Vec::from([]);
    assert_eq!(e.capacity(), 0);
    let collected: Vec<u32> = (0..10).filter(|x| x % 3 == 0).collect();
    assert_eq!(collected, [0, 3, 6, 9]);
    let from_std: Vec<u32> = std::vec![4, 5].into_iter().collect();
    assert_eq!(from_std, [4, 5]);
}

/// `leak` hands out the buffer for good; the test gives it back to the allocator by hand
/// (so the sanitizer run sees no leak) and checks the layout on the way.
#[test]
fn leak_keeps_the_buffer() {
    let alloc = TestAlloc::new();
    let mut v: Vec<u64, &TestAlloc> = Vec::with_capacity_in(8, &alloc);
    v.extend([1, 2, 3]);
    let ptr = v.as_ptr();
    let leaked: &mut [u64] = v.leak();
    assert_eq!((leaked.as_ptr(), &*leaked), (ptr, &[1u64, 2, 3][..]));
    leaked[0] = 9;
    assert_eq!(alloc.stats().deallocate, 0);
    let layout = Layout::array::<u64>(8).unwrap();
    assert_eq!(alloc.layout_of(ptr.cast()), Some(layout));
    // SAFETY: the block was allocated by `alloc` with `layout` and is not used again.
    unsafe { alloc.deallocate(NonNull::from(leaked).cast(), layout) };
    alloc.assert_no_leaks();
}

#[test]
fn spare_capacity_and_set_len() {
    let mut v: Vec<String> = Vec::with_capacity(5);
    v.push(String::from("a"));
    let spare = v.spare_capacity_mut();
    assert_eq!(spare.len(), 4);
    spare[0].write(String::from("b"));
    spare[1].write(String::from("c"));
    // SAFETY: the first two spare slots were initialised above.
    unsafe { v.set_len(3) };
    assert_eq!(v, ["a", "b", "c"]);
    assert_eq!(v.spare_capacity_mut().len(), 2);
    // Shrinking the length by hand forgets elements without dropping them: take the
    // last one out first.
    // SAFETY: index 2 is initialised and is forgotten by the `set_len` below.
    let last = unsafe { v.as_ptr().add(2).read() };
    // SAFETY: 2 <= len, and the element past it was moved out above.
    unsafe { v.set_len(2) };
    assert_eq!((v.as_slice(), last.as_str()), (&[String::from("a"), String::from("b")][..], "c"));
}

#[test]
fn into_flattened_matches_std() {
    let alloc = TestAlloc::new();
    {
        let mut v: Vec<[u16; 3], &TestAlloc> = Vec::with_capacity_in(4, &alloc);
        v.extend([[1, 2, 3], [4, 5, 6]]);
        let ptr = v.as_ptr().cast::<u16>();
        let flat = v.into_flattened();
        assert_eq!(flat, [1, 2, 3, 4, 5, 6]);
        assert_eq!((flat.as_ptr(), flat.capacity()), (ptr, 12));
        // Freed (by the drop below) with the layout of 12 u16, which is that of 4 arrays.
        assert_eq!(alloc.layout_of(ptr.cast()), Some(Layout::array::<u16>(12).unwrap()));
    }
    alloc.assert_no_leaks();

    fn same<T: Clone + std::fmt::Debug + PartialEq, const N: usize>(items: &[[T; N]], cap: usize) {
        let mut theirs = StdVec::with_capacity(cap);
        theirs.extend_from_slice(items);
        let mut ours = Vec::with_capacity(cap);
        ours.extend_from_slice(items);
        let (theirs, ours) = (theirs.into_flattened(), ours.into_flattened());
        assert_eq!(
            (ours.as_slice(), ours.len(), ours.capacity()),
            (&theirs[..], theirs.len(), theirs.capacity())
        );
    }
    same::<u8, 2>(&[[1, 2], [3, 4]], 5);
    same::<u64, 0>(&[[], [], []], 0);
    same::<(), 3>(&[[(); 3], [(); 3]], 0);
    same::<(), 0>(&[[], []], 0);
    same::<String, 1>(&[[String::from("a")]], 1);
}

// --- formatting, hashing, comparisons ---------------------------------------------------

#[test]
fn debug_matches_std() {
    let theirs = std::vec![String::from("a\"b"), String::new()];
    let ours: Vec<String> = theirs.iter().cloned().collect();
    assert_eq!(format!("{ours:?}"), format!("{theirs:?}"));
    assert_eq!(format!("{ours:#?}"), format!("{theirs:#?}"));
    let empty: Vec<u8> = Vec::new();
    assert_eq!(format!("{empty:?}"), "[]");
    let it = ours.clone().into_iter();
    assert_eq!(format!("{it:?}"), format!("{:?}", theirs.clone().into_iter()));
}

#[test]
fn hash_matches_slice() {
    let alloc = TestAlloc::new();
    let mut ours: Vec<u32, &TestAlloc> = Vec::new_in(&alloc);
    ours.extend([3, 1, 4, 1, 5]);
    let slice: &[u32] = &[3, 1, 4, 1, 5];
    assert_eq!(hash_of(&ours), hash_of(slice));
    assert_eq!(hash_of(&ours), hash_of(&std::vec![3u32, 1, 4, 1, 5]));
    let state = std::hash::RandomState::new();
    assert_eq!(state.hash_one(&ours), state.hash_one(slice));
    // Prefix-freedom comes from the slice's length prefix: [1, 2] + [] != [1] + [2].
    assert_ne!(
        hash_of(&[Vec::from([1u8, 2]), Vec::new()]),
        hash_of(&[Vec::from([1u8]), Vec::from([2])])
    );
    // Usable as a hashbrown key, looked up by slice.
    let mut set = hashbrown::HashSet::new();
    set.insert(Vec::from([1u8, 2]));
    assert!(set.contains(&[1u8, 2][..]));
    fn is_hash<T: Hash>(_: &T) {}
    is_hash(&ours);
}

#[test]
fn comparisons_across_types() {
    let alloc = TestAlloc::new();
    let a: Vec<u8> = Vec::from([1, 2, 3]);
    let mut b: Vec<u8, &TestAlloc> = Vec::new_in(&alloc);
    b.extend([1, 2, 3]);
    assert_eq!(a, b);
    assert_eq!(b, a);
    assert_eq!(a, [1, 2, 3]);
    assert_eq!(a, &[1, 2, 3]);
    assert_eq!(a, [1u8, 2, 3][..]);
    assert_eq!(a, &[1u8, 2, 3][..]);
    assert_eq!(&[1u8, 2, 3][..], a);
    assert_eq!([1u8, 2, 3][..], a);
    assert_ne!(a, [1, 2]);
    b.push(0);
    assert!(a < b);
    assert_eq!(a.partial_cmp(&b), Some(std::cmp::Ordering::Less));
    assert_eq!(Vec::from([2u8]).cmp(&Vec::from([1u8, 9])), std::cmp::Ordering::Greater);
}

// --- overflow ---------------------------------------------------------------------------

#[test]
fn capacity_overflow() {
    let mut v: Vec<u64> = Vec::new();
    let kind = v.try_reserve(usize::MAX).unwrap_err().kind();
    assert_eq!(kind, TryReserveErrorKind::CapacityOverflow);
    assert_eq!(
        v.try_reserve_exact(usize::MAX).unwrap_err().kind(),
        TryReserveErrorKind::CapacityOverflow
    );
    assert_eq!(
        Vec::<u64>::try_with_capacity(usize::MAX).unwrap_err().kind(),
        TryReserveErrorKind::CapacityOverflow
    );
    assert_eq!((v.len(), v.capacity()), (0, 0));

    let std_msg = expect_panic(|| StdVec::<u64>::with_capacity(usize::MAX));
    assert_eq!(std_msg, "capacity overflow");
    assert_eq!(expect_panic(|| Vec::<u64>::with_capacity(usize::MAX)), std_msg);
    assert_eq!(expect_panic(|| Vec::<u8>::with_capacity(isize::MAX as usize + 1)), std_msg);
    assert_eq!(expect_panic(|| Vec::<u64>::new().reserve(usize::MAX)), std_msg);
    assert_eq!(expect_panic(|| Vec::<u64>::new().reserve_exact(isize::MAX as usize / 4)), std_msg);
    let mut one = Vec::from([1u16]);
    assert_eq!(expect_panic(|| one.reserve(usize::MAX)), std_msg);
}

/// The error's `Display` is std's, word for word.
#[test]
fn error_display_matches_std() {
    let theirs = StdVec::<u64>::new().try_reserve(usize::MAX).unwrap_err();
    let ours = Vec::<u64>::new().try_reserve(usize::MAX).unwrap_err();
    assert_eq!(ours.to_string(), theirs.to_string());
    let alloc = TestAlloc::failing(crate::common::test_alloc::FailPlan::AllAfter(0));
    let ours = Vec::<u64, _>::new_in(&alloc).try_reserve(3).unwrap_err();
    assert_eq!(
        ours.to_string(),
        "memory allocation failed because the memory allocator returned an error"
    );
    let layout = Layout::array::<u64>(4).unwrap();
    assert_eq!(ours.kind(), TryReserveErrorKind::AllocError { layout });
    let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(ours.clone());
    assert_eq!(boxed.to_string(), ours.to_string());
}

// --- zero-sized types -------------------------------------------------------------------

#[test]
fn zst_never_allocates() {
    let alloc = TestAlloc::new();
    {
        let mut v: Vec<(), &TestAlloc> = Vec::with_capacity_in(100, &alloc);
        assert_eq!(v.capacity(), usize::MAX);
        for _ in 0..1000 {
            v.push(());
        }
        v.reserve(1 << 40);
        v.reserve_exact(1 << 50);
        v.insert(3, ());
        v.extend_from_slice(&[(); 7]);
        v.resize(5000, ());
        v.shrink_to_fit();
        v.shrink_to(3);
        assert_eq!((v.len(), v.capacity()), (5000, usize::MAX));
        let c = v.clone();
        assert_eq!(c.len(), 5000);
        let mut it = c.into_iter();
        assert_eq!(it.len(), 5000);
        assert_eq!(it.next_back(), Some(()));
        drop(it);
        let tail = v.split_off(10);
        assert_eq!((tail.len(), tail.capacity()), (4990, usize::MAX));
        v.drain(2..5);
        v.truncate(1);
        assert!(v.pop().is_some());
        assert!(v.as_ptr().is_aligned());
    }
    assert_eq!(alloc.stats().calls(), 0, "{:?}", alloc.stats());
}

/// A zero-sized vector can hold `usize::MAX` elements, and the next push overflows with
/// std's message.
#[test]
fn zst_length_limit() {
    let mut theirs: StdVec<()> = StdVec::new();
    let mut ours: Vec<()> = Vec::new();
    // SAFETY: `()` needs no initialisation; the capacity is `usize::MAX`.
    unsafe {
        theirs.set_len(usize::MAX);
        ours.set_len(usize::MAX);
    }
    let std_msg = expect_panic(|| theirs.push(()));
    assert_eq!(expect_panic(|| ours.push(())), std_msg);
    assert_eq!(ours.try_push(()).unwrap_err().kind(), TryReserveErrorKind::CapacityOverflow);
    assert!(ours.push_within_capacity(()).is_err());
    assert_eq!(ours.len(), usize::MAX);
    // SAFETY: shrinking the length of `()`s drops nothing that matters.
    unsafe { ours.set_len(3) };
    assert_eq!(ours.len(), 3);
}

// --- growth -----------------------------------------------------------------------------

/// The capacities seen while pushing one at a time, without repeats.
fn growth<T: Default, V>(
    mut v: V,
    mut push: impl FnMut(&mut V, T),
    cap: impl Fn(&V) -> usize,
) -> StdVec<usize> {
    let mut seen = std::vec![cap(&v)];
    for _ in 0..300 {
        push(&mut v, T::default());
        if *seen.last().unwrap() != cap(&v) {
            seen.push(cap(&v));
        }
    }
    seen
}

#[test]
fn growth_sequence() {
    let ours = growth::<u64, _>(Vec::<u64>::new(), |v, x| v.push(x), |v| v.capacity());
    assert_eq!(ours, [0, 4, 8, 16, 32, 64, 128, 256, 512]);
    let ours = growth::<u8, _>(Vec::<u8>::new(), |v, x| v.push(x), |v| v.capacity());
    assert_eq!(ours, [0, 8, 16, 32, 64, 128, 256, 512]);
    type Big = [u8; 1025];
    let big = || {
        let mut v: Vec<Big> = Vec::new();
        let mut seen = std::vec![0];
        for _ in 0..9 {
            v.push([0; 1025]);
            if *seen.last().unwrap() != v.capacity() {
                seen.push(v.capacity());
            }
        }
        seen
    };
    assert_eq!(big(), [0, 1, 2, 4, 8, 16]);
    let theirs = growth::<u32, _>(StdVec::<u32>::new(), |v, x| v.push(x), |v| v.capacity());
    let ours = growth::<u32, _>(Vec::<u32>::new(), |v, x| v.push(x), |v| v.capacity());
    assert_eq!(ours, theirs);
}

/// Growth after the first block goes through `Allocator::grow`, shrinking through
/// `Allocator::shrink`; nothing else allocates or frees behind the allocator's back.
#[test]
fn growth_uses_grow_and_shrink() {
    let alloc = TestAlloc::new();
    {
        let mut v: Vec<u64, &TestAlloc> = Vec::new_in(&alloc);
        for i in 0..100 {
            v.push(i);
        }
        let s = alloc.stats();
        assert_eq!((s.allocate, s.grow, s.shrink, s.deallocate), (1, 5, 0, 0), "{s:?}");
        assert_eq!(s.allocate_zeroed + s.grow_zeroed, 0);
        v.reserve_exact(200);
        assert_eq!(v.capacity(), 300);
        v.shrink_to(150);
        assert_eq!(v.capacity(), 150);
        v.shrink_to_fit();
        assert_eq!(v.capacity(), 100);
        let s = alloc.stats();
        assert_eq!((s.allocate, s.grow, s.shrink, s.deallocate), (1, 6, 2, 0), "{s:?}");
        v.clear();
        v.shrink_to_fit();
        assert_eq!(v.capacity(), 0);
        let s = alloc.stats();
        assert_eq!(s.live_bytes, 0);
        assert_eq!(s.shrink + s.deallocate, 3, "shrinking to nothing frees the block: {s:?}");
        v.push(1);
        assert_eq!(v.capacity(), 4);
    }
    alloc.assert_no_leaks();
    let s = alloc.stats();
    assert_eq!(s.allocate + s.allocate_zeroed, s.deallocate, "{s:?}");
}

/// Calls that cannot change the capacity ask nothing of the allocator.
#[test]
fn no_op_capacity_calls_are_free() {
    let alloc = TestAlloc::new();
    let mut v = vec![in &alloc; 1u8, 2, 3];
    let before = alloc.stats();
    v.shrink_to_fit();
    v.shrink_to(3);
    v.shrink_to(10);
    v.reserve(0);
    v.reserve_exact(0);
    assert_eq!(alloc.stats(), before);
}

// --- extend with dishonest size hints ---------------------------------------------------

/// An iterator whose `size_hint` lies (which safe code may do): the vector must stay
/// correct, whatever capacity it picks.
struct Liar {
    left: u32,
    hint: (usize, Option<usize>),
}

impl Iterator for Liar {
    type Item = String;
    fn next(&mut self) -> Option<String> {
        self.left.checked_sub(1).map(|l| {
            self.left = l;
            l.to_string()
        })
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.hint
    }
}

/// Extending and splicing from it must stay memory-safe and end where std ends (same
/// contents, same panic). The capacity may differ: std only trusts `TrustedLen`
/// iterators, which stable code cannot name, so ours trusts an exact-looking hint.
#[test]
fn extend_survives_lying_size_hints() {
    let alloc = TestAlloc::new();
    let hints = [(100, Some(100)), (0, Some(0)), (usize::MAX, None), (7, Some(1)), (3, None)];
    for hint in hints {
        for at in [0usize, 1, 2] {
            let mut theirs = std::vec![String::from("a"), String::from("b")];
            let mut ours = vec![in &alloc; String::from("a"), String::from("b")];
            let t = catch(|| theirs.extend(Liar { left: 3, hint }));
            let o = catch(|| ours.extend(Liar { left: 3, hint }));
            assert_eq!(o, t, "extend with hint {hint:?}");
            assert_eq!(ours.as_slice(), &theirs[..], "{hint:?}");
            assert!(ours.capacity() >= ours.len());
            let t =
                catch(|| theirs.splice(at..at + 2, Liar { left: 4, hint }).collect::<StdVec<_>>());
            let o =
                catch(|| ours.splice(at..at + 2, Liar { left: 4, hint }).collect::<StdVec<_>>());
            assert_eq!(o, t, "splice at {at} with hint {hint:?}");
            assert_eq!(ours.as_slice(), &theirs[..], "{hint:?}");
            assert!(ours.capacity() >= ours.len());
        }
    }
    alloc.assert_no_leaks();
}

// --- allocator access, io::Write --------------------------------------------------------

#[test]
fn allocator_is_the_one_given() {
    let alloc = TestAlloc::new();
    let mut v: Vec<u8, &TestAlloc> = Vec::new_in(&alloc);
    assert!(std::ptr::eq(*v.allocator(), &alloc));
    v.push(1);
    let w = v.clone();
    assert!(std::ptr::eq(*w.allocator(), &alloc), "a clone uses a clone of the allocator");
    let tail = v.split_off(0);
    assert!(std::ptr::eq(*tail.allocator(), &alloc));
    let it = tail.into_iter();
    assert!(std::ptr::eq(*it.allocator(), &alloc));
}

#[test]
fn io_write_appends() {
    let alloc = TestAlloc::new();
    let mut v: Vec<u8, &TestAlloc> = Vec::new_in(&alloc);
    let word = "ab";
    write!(v, "{}-{word}", 12).unwrap();
    v.write_all(b"!").unwrap();
    let n = v.write_vectored(&[std::io::IoSlice::new(b"x"), std::io::IoSlice::new(b"yz")]).unwrap();
    assert_eq!(n, 3);
    v.flush().unwrap();
    assert_eq!(v, b"12-ab!xyz");
}

// --- into_iter --------------------------------------------------------------------------

#[test]
fn into_iter_frees_and_drops_once() {
    drop_counter::reset();
    let alloc = TestAlloc::new();
    {
        let mut v: Vec<Tracked, &TestAlloc> = Vec::new_in(&alloc);
        v.extend((0..6).map(Tracked::new));
        let mut it = v.into_iter();
        assert_eq!(it.next().map(|t| t.value()), Some(0));
        assert_eq!(it.next_back().map(|t| t.value()), Some(5));
        assert_eq!(it.as_slice().len(), 4);
        it.as_mut_slice()[0] = Tracked::new(9);
        let rest: StdVec<u32> = it.clone().map(|t| t.value()).collect();
        assert_eq!(rest, [9, 2, 3, 4]);
        assert_eq!(it.len(), 4);
        // The remainder is dropped with the iterator.
    }
    alloc.assert_no_leaks();
    let c = drop_counter::counts();
    assert_eq!(c.live(), 0, "{c:?}");
    assert_eq!(c, Counts { created: 11, dropped: 11 });
}

#[test]
fn drain_keep_rest_and_allocator() {
    let alloc = TestAlloc::new();
    let mut v = vec![in &alloc; 1u8, 2, 3, 4, 5];
    let mut d: Drain<'_, u8, &TestAlloc> = v.drain(1..4);
    assert_eq!(d.next(), Some(2));
    assert!(std::ptr::eq(*d.allocator(), &alloc));
    d.keep_rest();
    assert_eq!(v, [1, 3, 4, 5]);
}

// --- auto traits ------------------------------------------------------------------------

/// Whether `T` is `Send`/`Sync`, decided at compile time by name resolution: the
/// inherent `const` only applies when the bound holds, else the trait's `false` is used.
trait Fallback {
    const SEND: bool = false;
    const SYNC: bool = false;
}

struct SendProbe<T: ?Sized>(PhantomData<T>);
impl<T: ?Sized + Send> SendProbe<T> {
    const SEND: bool = true;
}
impl<T: ?Sized> Fallback for SendProbe<T> {}

struct SyncProbe<T: ?Sized>(PhantomData<T>);
impl<T: ?Sized + Sync> SyncProbe<T> {
    const SYNC: bool = true;
}
impl<T: ?Sized> Fallback for SyncProbe<T> {}

macro_rules! is_send {
    ($t:ty) => {
        SendProbe::<$t>::SEND
    };
}

macro_rules! is_sync {
    ($t:ty) => {
        SyncProbe::<$t>::SYNC
    };
}

#[test]
fn auto_traits_follow_the_element_and_allocator() {
    // Sanity of the probe itself.
    const { assert!(is_send!(u8) && !is_send!(Rc<u8>) && !is_sync!(Cell<u8>)) };

    const { assert!(is_send!(Vec<u8>) && is_sync!(Vec<u8>)) };
    const { assert!(is_send!(Vec<u8, &TestAlloc>) && is_sync!(Vec<u8, &TestAlloc>)) };
    const { assert!(is_send!(IntoIter<String>) && is_sync!(IntoIter<String>)) };
    const { assert!(is_send!(Drain<'static, String>) && is_sync!(Drain<'static, String>)) };
    const { assert!(!is_send!(Vec<Rc<u8>>) && !is_sync!(Vec<Rc<u8>>)) };
    const { assert!(is_send!(Vec<Cell<u8>>) && !is_sync!(Vec<Cell<u8>>)) };
    const { assert!(!is_send!(IntoIter<Rc<u8>>) && !is_sync!(IntoIter<Cell<u8>>)) };
    const { assert!(!is_send!(Drain<'static, Rc<u8>>) && !is_sync!(Drain<'static, Cell<u8>>)) };
    const { assert!(is_send!(TestAlloc) && is_sync!(TestAlloc)) };

    // A vector can move to another thread and back.
    let alloc = TestAlloc::new();
    let mut v = vec![in &alloc; 1u32, 2];
    std::thread::scope(|s| {
        s.spawn(|| v.extend(3..100)).join().unwrap();
    });
    assert_eq!(v.len(), 99);
    drop(v);
    alloc.assert_no_leaks();
}

/// Same size as std's `Vec`: pointer, capacity, length; a reference allocator adds a word
/// and `Global` adds nothing.
#[test]
fn layout_of_the_vector() {
    assert_eq!(mem::size_of::<Vec<u8>>(), mem::size_of::<StdVec<u8>>());
    assert_eq!(
        mem::size_of::<Vec<u8, &TestAlloc>>(),
        mem::size_of::<StdVec<u8>>() + mem::size_of::<usize>()
    );
    assert_eq!(mem::size_of::<Option<Vec<u8>>>(), mem::size_of::<Vec<u8>>(), "niche for Option");
}

// --- more conversions -------------------------------------------------------------------

#[test]
fn array_try_from_frees_or_returns_the_vector() {
    let alloc = TestAlloc::new();
    {
        let v = vec![in &alloc; String::from("a"), String::from("b")];
        let arr: [String; 2] = v.try_into().unwrap();
        assert_eq!(arr, ["a", "b"]);
        assert_eq!(alloc.live_bytes(), 0, "the buffer is freed once the elements moved out");
        let v = vec![in &alloc; 1u8, 2, 3];
        let ptr = v.as_ptr();
        let back = <[u8; 2]>::try_from(v).unwrap_err();
        assert_eq!((back.as_slice(), back.as_ptr()), (&[1u8, 2, 3][..], ptr));
    }
    alloc.assert_no_leaks();
}

#[test]
fn other_conversions() {
    assert_eq!(Vec::from("hé"), "hé".as_bytes());
    assert_eq!(Vec::from(&mut [1u8, 2][..]), [1, 2]);
    assert_eq!(Vec::from(&[1u8, 2]), [1, 2]);
    let cow: std::borrow::Cow<'_, [u8]> = std::borrow::Cow::Borrowed(&[5, 6]);
    assert_eq!(Vec::from(cow), [5, 6]);
    let d: Vec<u8> = Vec::default();
    assert_eq!((d.len(), d.capacity()), (0, 0));
    let mut it: IntoIter<u8> = IntoIter::default();
    assert_eq!((it.next(), it.len()), (None, 0));
    let v = Vec::from([1u8, 2]);
    let r: &[u8] = v.as_ref();
    let b: &[u8] = std::borrow::Borrow::borrow(&v);
    assert_eq!((r, b), (&[1u8, 2][..], &[1u8, 2][..]));
}

/// The adapters print like std's (`ExtractIf`'s format differs between std versions, so
/// it is left out).
#[test]
fn adapter_debug_matches_std() {
    let mut theirs = std::vec![1, 2, 3, 4, 5];
    let mut ours = Vec::from([1, 2, 3, 4, 5]);
    assert_eq!(format!("{:?}", ours.drain(1..3)), format!("{:?}", theirs.drain(1..3)));
    assert_eq!(
        format!("{:?}", ours.splice(0..1, std::vec![7, 8])),
        format!("{:?}", theirs.splice(0..1, std::vec![7, 8]))
    );
    let mut it = ours.clone().into_iter();
    let mut their_it = theirs.clone().into_iter();
    it.next();
    their_it.next();
    assert_eq!(format!("{it:?}"), format!("{their_it:?}"));
    assert_eq!(ours, theirs);
}

/// With `--features nightly` the destructors of `Vec` and `IntoIter` are `#[may_dangle]`
/// like std's: they may hold references to values declared after them (and so dropped
/// before them). This test fails by not compiling.
#[cfg(feature = "nightly")]
#[test]
// The late initialisation is the point: `it` must be declared before `s`.
#[allow(clippy::needless_late_init)]
fn destructors_may_dangle_on_nightly() {
    let mut v: Vec<&String> = Vec::new();
    let it: IntoIter<&String>;
    let s = String::from("x");
    v.push(&s);
    it = Vec::from([&s, &s]).into_iter();
    assert_eq!((v.len(), it.len()), (1, 2));
}

/// `Drain::keep_rest` puts the unyielded items back between the head and the tail.
#[test]
fn drain_keep_rest_matches_model() {
    fn check<T: Clone + PartialEq + std::fmt::Debug>(items: &[T]) {
        let len = items.len();
        for start in 0..=len {
            for end in start..=len {
                for front in 0..3 {
                    for back in 0..3 {
                        let alloc = TestAlloc::new();
                        let mut v: Vec<T, &TestAlloc> = Vec::new_in(&alloc);
                        v.extend_from_slice(items);
                        let cap = v.capacity();
                        let mut d = v.drain(start..end);
                        let mut taken = StdVec::new();
                        for _ in 0..front {
                            taken.extend(d.next());
                        }
                        for _ in 0..back {
                            taken.extend(d.next_back());
                        }
                        let rest = d.as_slice().to_vec();
                        d.keep_rest();
                        let mut expected = items[..start].to_vec();
                        expected.extend(rest);
                        expected.extend_from_slice(&items[end..]);
                        assert_eq!(v.as_slice(), &expected[..], "{start}..{end} {front} {back}");
                        assert_eq!(v.len() + taken.len(), len);
                        assert_eq!(v.capacity(), cap);
                        drop(v);
                        alloc.assert_no_leaks();
                    }
                }
            }
        }
    }
    check::<u64>(&[1, 2, 3, 4, 5]);
    check::<()>(&[(); 5]);
    drop_counter::reset();
    check::<Tracked>(&(0..5).map(Tracked::new).collect::<StdVec<_>>());
    assert_eq!(drop_counter::counts().live(), 0, "keep_rest leaked or double-dropped");
}

/// For zero-sized types the capacity passed to `from_raw_parts` (any value from the length
/// up) is not kept: it is always `usize::MAX`, as in std.
#[test]
fn zst_raw_parts() {
    let v: Vec<()> = Vec::from([(), (), ()]);
    let (ptr, len, cap) = v.into_raw_parts();
    assert_eq!((len, cap), (3, usize::MAX));
    // SAFETY: a zero-sized vector owns no memory; `ptr` is dangling and aligned.
    let v = unsafe { Vec::from_raw_parts(ptr, len, 3) };
    assert_eq!((v.len(), v.capacity()), (3, usize::MAX));
    let mut theirs = ManuallyDrop::new(std::vec![(); 3]);
    // SAFETY: as above, for std's own vector.
    let theirs = unsafe { StdVec::from_raw_parts(theirs.as_mut_ptr(), 3, 3) };
    assert_eq!(theirs.capacity(), v.capacity());
}
