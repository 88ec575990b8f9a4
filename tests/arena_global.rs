//! The firmware pattern: a `static` arena over a `static` buffer, set up at compile time
//! (`Arena::from_buffer` is a `const fn`), installed as the program's global allocator.
//!
//! A test binary of its own (`harness = false` in `Cargo.toml`): the global allocator is
//! process-wide, and the test harness would allocate through it too. `main` allocates
//! std's own collections and spawns threads that allocate, checks that every block it can
//! see lies inside the buffer, that the arena's statistics show the usage and that
//! nothing came from a heap (`reserved == 0`), and exits 0. Any failed check panics,
//! which makes the process exit with a failure.

use std::collections::HashMap;
use std::mem::MaybeUninit;
use std::ops::Range;

use allockit::Arena;
use allockit::arena::NoHeap;

const HEAP_LEN: usize = 8 << 20;

static mut HEAP: [MaybeUninit<u8>; HEAP_LEN] = [MaybeUninit::uninit(); HEAP_LEN];

// SAFETY: `HEAP` is used by nothing but this arena; `main` only takes its address.
#[global_allocator]
static ARENA: Arena<NoHeap<'static>> =
    Arena::from_buffer(unsafe { &mut *std::ptr::addr_of_mut!(HEAP) });

fn heap() -> Range<usize> {
    let start = (&raw const HEAP) as usize;
    start..start + HEAP_LEN
}

/// Panics unless `[ptr, ptr + len)` lies inside `HEAP`.
#[track_caller]
fn assert_in_heap<T: ?Sized>(ptr: *const T, len: usize) {
    let at = ptr.cast::<u8>() as usize;
    let heap = heap();
    assert!(
        heap.start <= at && at + len <= heap.end,
        "{at:#x} (+{len}) is not in the arena's buffer"
    );
}

fn main() {
    let at_start = ARENA.stats();
    assert_eq!((at_start.reserved, at_start.chunks), (0, 1), "{at_start:?}");

    let mut numbers: Vec<u64> = (0..10_000).collect();
    numbers.push(10_000);
    assert_in_heap(numbers.as_ptr(), numbers.capacity() * 8);
    let mut text = String::from("firmware");
    for i in 0..100 {
        text.push_str(&i.to_string());
    }
    assert_in_heap(text.as_ptr(), text.capacity());
    let boxed = Box::new([7u8; 1000]);
    assert_in_heap(&*boxed, 1000);
    let mut map = HashMap::new();
    for i in 0..1000u32 {
        map.insert(i, i.to_string());
    }
    assert_eq!(map[&999], "999");
    assert_in_heap(map.get(&500).unwrap(), std::mem::size_of::<String>());
    assert_in_heap(map[&500].as_ptr(), 3);

    let threads: Vec<_> = (1..=2u32)
        .map(|t| {
            std::thread::spawn(move || {
                let v: Vec<u32> = (0..5000).map(|i| i * t).collect();
                let s = format!("thread {t}");
                assert_in_heap(v.as_ptr(), v.len() * 4);
                assert_in_heap(s.as_ptr(), s.len());
                (v.iter().map(|&x| u64::from(x)).sum::<u64>(), v)
            })
        })
        .collect();
    let results: Vec<(u64, Vec<u32>)> = threads.into_iter().map(|h| h.join().unwrap()).collect();
    for (t, (sum, v)) in results.iter().enumerate() {
        let t = t as u64 + 1;
        assert_eq!(*sum, t * 4999 * 5000 / 2);
        assert_in_heap(v.as_ptr(), v.len() * 4);
    }

    let s = ARENA.stats();
    assert_eq!((s.reserved, s.chunks), (0, 1), "nothing came from a heap: {s:?}");
    let seen = numbers.capacity() * 8 + text.capacity() + 1000 + 2 * 5000 * 4;
    assert!(s.allocated >= at_start.allocated + seen, "{at_start:?} -> {s:?}");
    assert!(s.capacity <= HEAP_LEN - 48 && s.capacity >= HEAP_LEN - 64, "{s:?}");
    ARENA.check_invariants();
    drop((numbers, text, boxed, map, results));
    println!("arena_global: std collections and threads ran in the static arena ({s:?})");
}
