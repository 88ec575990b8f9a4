//! `&Bump` as the allocator of other crates' collections and of ours:
//!
//! - hashbrown's `HashMap`/`HashSet` through allocator-api2's trait, which `&Bump`
//!   implements with and without `--features nightly`;
//! - with `nightly`, std's own `Vec` and `Box` through core's `Allocator`, and unsizing
//!   coercions of our `Box<T, &Bump>`;
//! - our `Vec`, `Box` and `String` sharing one bump, and `Box<dyn Trait, &Bump>` made with
//!   `unsize_box!`.
//!
//! Each bump sits over a counting `TestAlloc` where the test can tell: everything the
//! collections allocate must come out of the bump's chunks, and dropping the bump must
//! give every chunk back.

use std::cell::Cell;
use std::fmt::Write as _;

use allockit::bump::ChunkRole;
use allockit::{Box, Bump, String, Vec, unsize_box};

use crate::common::drop_counter::{self, Tracked};
use crate::common::test_alloc::TestAlloc;

type TestBump<'p> = Bump<&'p TestAlloc>;

/// The parent's live blocks are exactly the bump's chunks: no collection went around the
/// bump to the parent.
#[track_caller]
fn only_chunks_are_live(bump: &TestBump<'_>, parent: &TestAlloc) {
    bump.check_invariants();
    let stats = bump.stats();
    assert_eq!(stats.chunks, parent.stats().live_blocks, "{stats:?}");
    assert_eq!(stats.reserved, parent.live_bytes(), "{stats:?}");
}

/// Whether `ptr` points into memory the bump has handed out.
fn in_bump(bump: &TestBump<'_>, ptr: *const u8) -> bool {
    let addr = ptr as usize;
    bump.chunks().any(|c| {
        let start = c.data_start as usize;
        start <= addr && addr < start + c.allocated
    })
}

// ---------------------------------------------------------------------------------------
// hashbrown
// ---------------------------------------------------------------------------------------

#[test]
fn hashbrown_map_lives_in_the_bump() {
    let parent = TestAlloc::new();
    {
        let bump = Bump::new_in(&parent);
        let mut map = hashbrown::HashMap::new_in(&bump);
        assert!(std::ptr::eq(*map.allocator(), &bump));
        for i in 0..2000u32 {
            map.insert(i, u64::from(i) * 3);
            if i % 250 == 0 {
                only_chunks_are_live(&bump, &parent);
            }
        }
        assert_eq!(map.len(), 2000);
        assert!((0..2000).all(|i| map[&i] == u64::from(i) * 3));
        // The table (and every table it grew out of) came from the bump.
        assert!(bump.stats().allocated >= map.allocation_size(), "{:?}", bump.stats());
        for i in (0..2000).step_by(2) {
            assert_eq!(map.remove(&i), Some(u64::from(i) * 3));
        }
        map.shrink_to_fit();
        assert_eq!(map.len(), 1000);
        assert!((0..2000).all(|i| map.get(&i).copied() == (i % 2 == 1).then(|| u64::from(i) * 3)));
        only_chunks_are_live(&bump, &parent);
        assert!(parent.stats().live_blocks > 1, "the table outgrew the first chunk");
    }
    parent.assert_no_leaks();
}

#[test]
fn hashbrown_map_of_bump_strings_and_vecs() {
    let parent = TestAlloc::new();
    {
        let bump = Bump::new_in(&parent);
        let mut index: hashbrown::HashMap<String<&TestBump<'_>>, Vec<usize, &TestBump<'_>>, _, _> =
            hashbrown::HashMap::with_hasher_in(hashbrown::DefaultHashBuilder::default(), &bump);
        let text = "the quick brown fox jumps over the lazy dog the end";
        for (at, word) in text.split(' ').enumerate() {
            // Looked up by `&str`; a key is made in the bump only for a new word.
            match index.get_mut(word) {
                Some(places) => places.push(at),
                None => {
                    let mut places = Vec::new_in(&bump);
                    places.push(at);
                    index.insert(String::from_str_in(word, &bump), places);
                }
            }
        }
        assert_eq!(index.len(), 9);
        assert_eq!(index["the"].as_slice(), [0, 6, 9]);
        assert_eq!(index.get("fox").map(|v| v.as_slice()), Some(&[3][..]));
        assert!(index.get("cat").is_none());
        for (word, places) in &index {
            assert!(in_bump(&bump, word.as_ptr()), "key {word:?} is not in the bump");
            assert!(in_bump(&bump, places.as_ptr().cast()), "value of {word:?}");
        }
        let mut set = hashbrown::HashSet::new_in(&bump);
        set.extend(text.split(' ').map(str::len));
        assert_eq!(set.len(), 3); // lengths 3, 4 and 5
        only_chunks_are_live(&bump, &parent);
    }
    parent.assert_no_leaks();
}

#[test]
fn hashbrown_map_in_a_scope_gives_its_memory_back() {
    let parent = TestAlloc::new();
    let mut bump = Bump::new_in(&parent);
    bump.alloc_str("before the scope");
    let before = bump.stats().allocated;
    let distinct = bump.scope(|b| {
        let mut map = hashbrown::HashMap::new_in(b);
        for i in 0..500u32 {
            *map.entry(i % 37).or_insert(0u32) += 1;
        }
        assert!(b.stats().allocated > before);
        map.len()
    });
    assert_eq!(distinct, 37);
    assert_eq!(bump.stats().allocated, before);
    only_chunks_are_live(&bump, &parent);
    drop(bump);
    parent.assert_no_leaks();
}

// ---------------------------------------------------------------------------------------
// allockit's collections sharing one bump
// ---------------------------------------------------------------------------------------

#[test]
fn vec_box_and_string_share_one_bump() {
    let parent = TestAlloc::new();
    drop_counter::reset();
    {
        let bump = Bump::new_in(&parent);
        let mut numbers: Vec<u32, &TestBump<'_>> = Vec::new_in(&bump);
        let mut text = String::new_in(&bump);
        let mut boxes: Vec<Box<Tracked, &TestBump<'_>>, &TestBump<'_>> = Vec::new_in(&bump);
        for i in 0..600u32 {
            numbers.push(i * i);
            write!(text, "{i},").unwrap();
            if i % 7 == 0 {
                boxes.push(Box::new_in(Tracked::new(i), &bump));
            }
            if i % 100 == 0 {
                only_chunks_are_live(&bump, &parent);
            }
        }
        // Growing in turns, none of them stayed the newest block: all were copied, and
        // kept their contents.
        assert!(numbers.iter().enumerate().all(|(i, &n)| n == (i * i) as u32));
        let expected: std::string::String = (0..600).map(|i| format!("{i},")).collect();
        assert_eq!(text, expected.as_str());
        assert_eq!(boxes.len(), 86);
        assert!(boxes.iter().enumerate().all(|(k, b)| b.value() == 7 * k as u32));
        for ptr in [numbers.as_ptr().cast::<u8>(), text.as_ptr(), boxes.as_ptr().cast()] {
            assert!(in_bump(&bump, ptr));
        }
        assert!(boxes.iter().all(|b| in_bump(&bump, std::ptr::from_ref::<Tracked>(b).cast())));
        assert_eq!(drop_counter::counts().live(), 86);
        boxes.truncate(10);
        assert_eq!(drop_counter::counts().live(), 10, "dropping a box drops its value");
        only_chunks_are_live(&bump, &parent);
    }
    assert_eq!(drop_counter::counts().live(), 0);
    parent.assert_no_leaks();
}

#[test]
fn the_newest_collection_gives_its_bytes_back_when_dropped() {
    let bump = Bump::with_capacity(4096);
    let mut text = String::new_in(&bump);
    text.push_str("kept");
    let base = bump.stats().allocated;
    let mut v: Vec<u64, &Bump> = Vec::new_in(&bump);
    v.extend(0..100);
    let first = v.as_ptr();
    v.extend(100..200);
    assert_eq!(v.as_ptr(), first, "the newest block grows in place");
    assert!(bump.stats().allocated >= base + 200 * 8);
    drop(v);
    assert_eq!(bump.stats().allocated, base, "a dropped newest Vec gives its bytes back");
    let boxed = Box::new_in([7u8; 100], &bump);
    drop(boxed);
    assert_eq!(bump.stats().allocated, base, "so does a Box");
    assert_eq!(text, "kept");
}

// ---------------------------------------------------------------------------------------
// Box<dyn Trait, &Bump>
// ---------------------------------------------------------------------------------------

trait Shape {
    fn area(&self) -> f64;
    fn name(&self) -> std::string::String;
}

struct Square(f64);

impl Shape for Square {
    fn area(&self) -> f64 {
        self.0 * self.0
    }
    fn name(&self) -> std::string::String {
        "square".into()
    }
}

/// A shape that owns heap memory and counts its drops.
struct Label<'d> {
    text: std::string::String,
    drops: &'d Cell<u32>,
}

impl Shape for Label<'_> {
    fn area(&self) -> f64 {
        0.0
    }
    fn name(&self) -> std::string::String {
        self.text.clone()
    }
}

impl Drop for Label<'_> {
    fn drop(&mut self) {
        self.drops.set(self.drops.get() + 1);
    }
}

/// A zero-sized shape: boxing it allocates nothing.
struct Point;

impl Shape for Point {
    fn area(&self) -> f64 {
        0.0
    }
    fn name(&self) -> std::string::String {
        "point".into()
    }
}

#[test]
fn boxed_trait_objects_in_a_bump() {
    let parent = TestAlloc::new();
    let drops = Cell::new(0);
    {
        let bump = Bump::new_in(&parent);
        let mut shapes: Vec<Box<dyn Shape + '_, &TestBump<'_>>, &TestBump<'_>> =
            Vec::with_capacity_in(4, &bump);
        let square: Box<dyn Shape, &TestBump<'_>> = unsize_box!(Box::new_in(Square(3.0), &bump));
        shapes.push(square);
        let label: Box<dyn Shape + '_, &TestBump<'_>> =
            unsize_box!(Box::new_in(Label { text: "hello".into(), drops: &drops }, &bump));
        shapes.push(label);
        let before_point = bump.stats();
        let point: Box<dyn Shape, &TestBump<'_>> = unsize_box!(Box::new_in(Point, &bump));
        assert_eq!(bump.stats(), before_point, "a zero-sized value takes no bump memory");
        shapes.push(point);
        let names: std::vec::Vec<_> = shapes.iter().map(|s| s.name()).collect();
        assert_eq!(names, ["square", "hello", "point"]);
        assert_eq!(shapes.iter().map(|s| s.area()).sum::<f64>(), 9.0);

        // Freed through the trait object, the newest box gives back exactly its bytes:
        // the layout came from the vtable.
        let before = bump.stats().allocated;
        let newest: Box<dyn Shape + '_, &TestBump<'_>> =
            unsize_box!(Box::new_in(Label { text: "tmp".into(), drops: &drops }, &bump));
        assert!(bump.stats().allocated > before);
        drop(newest);
        assert_eq!(drops.get(), 1, "the value was dropped");
        assert_eq!(bump.stats().allocated, before, "and its bytes given back");

        drop(shapes.remove(1));
        assert_eq!(drops.get(), 2);
        only_chunks_are_live(&bump, &parent);
    }
    parent.assert_no_leaks();
}

#[test]
fn boxed_closure_in_a_bump() {
    let bump = Bump::new();
    let mut count = 0;
    {
        let mut counter: Box<dyn FnMut() -> u32 + '_, &Bump> = unsize_box!(Box::new_in(
            || {
                count += 1;
                count
            },
            &bump
        ));
        assert_eq!((*counter)(), 1);
        assert_eq!((*counter)(), 2);
    }
    assert_eq!(count, 2);
    let slice = unsize_box!(Box::new_in([1u16, 2, 3], &bump) => [u16]);
    assert_eq!(&*slice, [1, 2, 3]);
    assert_eq!(bump.chunks().filter(|c| c.role == ChunkRole::Current).count(), 1);
}

// ---------------------------------------------------------------------------------------
// std's collections (nightly: core's `Allocator`)
// ---------------------------------------------------------------------------------------

#[cfg(feature = "nightly")]
mod nightly {
    use super::*;

    #[test]
    fn std_vec_grows_in_place_in_a_bump() {
        let parent = TestAlloc::new();
        {
            let bump = Bump::with_capacity_in(1 << 16, &parent);
            let mut v: std::vec::Vec<u64, &TestBump<'_>> = std::vec::Vec::new_in(&bump);
            v.push(0);
            let first = v.as_ptr();
            for i in 1..1000 {
                v.push(i);
                assert_eq!(v.as_ptr(), first, "the newest block grows in place");
            }
            assert!((0..1000).all(|i| v[i as usize] == i));
            let grown = bump.stats().allocated;
            assert!(grown >= v.capacity() * 8);
            v.shrink_to_fit();
            assert_eq!(v.as_ptr(), first, "and shrinks in place");
            assert_eq!(bump.stats().allocated, grown - (1024 - 1000) * 8);
            drop(v);
            assert_eq!(bump.stats().allocated, 0, "and is given back when dropped");
            assert_eq!(bump.stats().chunks, 1);
            only_chunks_are_live(&bump, &parent);
        }
        parent.assert_no_leaks();
    }

    #[test]
    fn std_vec_and_box_share_a_bump_with_ours() {
        let parent = TestAlloc::new();
        {
            let bump = Bump::new_in(&parent);
            let mut theirs: std::vec::Vec<u32, &TestBump<'_>> = std::vec::Vec::new_in(&bump);
            let mut ours: Vec<u32, &TestBump<'_>> = Vec::new_in(&bump);
            let mut boxed = std::vec::Vec::new();
            for i in 0..300 {
                theirs.push(i);
                ours.push(i * 2);
                if i % 50 == 0 {
                    boxed.push(std::boxed::Box::new_in(i, &bump));
                }
            }
            assert!(theirs.iter().zip(&ours).all(|(&t, &o)| o == 2 * t));
            assert_eq!(
                boxed.iter().map(|b| **b).collect::<std::vec::Vec<_>>(),
                [0, 50, 100, 150, 200, 250]
            );
            assert!(in_bump(&bump, theirs.as_ptr().cast()) && in_bump(&bump, ours.as_ptr().cast()));
            // One allocator value, two `Allocator` traits: std's Vec through core's, ours
            // (with `nightly`) through core's as well, hashbrown through allocator-api2's.
            let mut map = hashbrown::HashMap::new_in(&bump);
            map.extend(theirs.iter().map(|&t| (t, t)));
            assert_eq!(map.len(), 300);
            only_chunks_are_live(&bump, &parent);
        }
        parent.assert_no_leaks();
    }

    #[test]
    fn std_box_of_a_trait_object_in_a_bump() {
        let bump = Bump::new();
        let drops = Cell::new(0);
        let before = bump.stats().allocated;
        {
            let b: std::boxed::Box<dyn Shape + '_, &Bump> =
                std::boxed::Box::new_in(Label { text: "std".into(), drops: &drops }, &bump);
            assert_eq!(b.name(), "std");
        }
        assert_eq!(drops.get(), 1);
        assert_eq!(bump.stats().allocated, before, "the newest box was given back");
    }

    #[test]
    fn our_box_coerces_to_a_trait_object_on_nightly() {
        let bump = Bump::new();
        let drops = Cell::new(0);
        {
            // Each `Box<_, &Bump>` coerces to the element type where it is written.
            let shapes: std::vec::Vec<Box<dyn Shape + '_, &Bump>> = vec![
                Box::new_in(Square(2.0), &bump),
                Box::new_in(Label { text: "coerced".into(), drops: &drops }, &bump),
                Box::new_in(Point, &bump),
            ];
            let total: f64 = shapes.iter().map(|s| s.area()).sum();
            assert_eq!(total, 4.0);
            assert_eq!(shapes[1].name(), "coerced");
            let f: Box<dyn Fn(u32) -> u32, &Bump> = Box::new_in(|x| x + 1, &bump);
            assert_eq!(f(41), 42);
        }
        assert_eq!(drops.get(), 1);
        bump.check_invariants();
    }
}
