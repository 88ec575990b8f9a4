//! `Counting<System>` as the program's `#[global_allocator]`: the `GlobalAlloc` side of
//! `Counting`, driven by std's own collections.
//!
//! A binary of its own with `harness = false` (see `Cargo.toml`): the global allocator is
//! per program, and libtest's threads would allocate concurrently with the checks. Here
//! `main` runs alone, so every count between two snapshots is exactly what the code
//! between them did. Nothing is printed before the end (the first print allocates
//! stdout's buffer), and `black_box` keeps the optimizer from removing an allocation
//! whose memory is never read.

use std::alloc::System;
use std::hint::black_box;

use allockit::wrappers::{Counting, CountingStats};

#[global_allocator]
static GLOBAL: Counting<System> = Counting::new(System);

/// Runs `f` and returns what it did to the counters, with the levels of the end.
fn during(f: impl FnOnce()) -> CountingStats {
    let before = GLOBAL.stats();
    f();
    GLOBAL.stats().since(before)
}

fn main() {
    // `Vec::with_capacity(100)`: one `alloc` of exactly 100 bytes, live until dropped.
    let before = GLOBAL.stats();
    let mut v: Vec<u8> = black_box(Vec::with_capacity(100));
    let d = GLOBAL.stats().since(before);
    assert_eq!((d.allocations, d.deallocations, d.grows, d.shrinks), (1, 0, 0, 0), "{d:?}");
    assert_eq!(d.total_bytes, 100, "{d:?}");
    assert_eq!(d.live_bytes, before.live_bytes + 100, "{d:?}");
    assert_eq!(d.live_blocks, before.live_blocks + 1, "{d:?}");

    // Growing and shrinking in place go through `realloc`, counted by size.
    let d = during(|| {
        v.extend_from_slice(b"0123456789");
        v.reserve_exact(290); // 300 bytes: +200
        black_box(&v);
    });
    assert_eq!((d.allocations, d.grows, d.total_bytes), (0, 1, 200), "{d:?}");
    assert_eq!(d.live_bytes, before.live_bytes + 300, "{d:?}");
    let d = during(|| {
        v.shrink_to_fit(); // 10 bytes: -290
        black_box(&v);
    });
    assert_eq!((d.shrinks, d.total_bytes), (1, 0), "{d:?}");
    assert_eq!(d.live_bytes, before.live_bytes + 10, "{d:?}");
    let d = during(|| drop(v));
    assert_eq!(
        (d.deallocations, d.live_bytes, d.live_blocks),
        (1, before.live_bytes, before.live_blocks)
    );

    // `vec![0; n]` asks for zeroed memory: `alloc_zeroed`, counted as an allocation.
    let d = during(|| {
        let zeros = black_box(vec![0u64; 1000]);
        assert!(zeros.iter().all(|&x| x == 0));
    });
    assert_eq!((d.allocations, d.deallocations, d.total_bytes), (1, 1, 8000), "{d:?}");
    assert_eq!(d.live_bytes, before.live_bytes, "{d:?}");

    // A `Box`, a `String`, and allockit's own collections over `Global`, which is this
    // global allocator too.
    let d = during(|| {
        let b = black_box(Box::new([1u32; 4]));
        let s = black_box(String::from("sixteen bytes!!!"));
        let mut a: allockit::Vec<u16> = allockit::Vec::new();
        a.extend_from_slice(&[1, 2, 3, 4, 5]); // capacity 5: 10 bytes
        black_box(&a);
        drop((b, s, a));
    });
    assert_eq!((d.allocations, d.deallocations), (3, 3), "{d:?}");
    assert_eq!(d.total_bytes, 16 + 16 + 10, "{d:?}");

    // Threads allocating at once: every block they made is freed by the time they are
    // joined, so the live bytes come back, the threads' own bookkeeping included. (Joined
    // through their handles: `thread::scope` returns when the threads' closures are done,
    // possibly before their thread-locals are freed.)
    let d = during(|| {
        let threads: Vec<_> = (0..4)
            .map(|_| {
                std::thread::spawn(|| {
                    for i in 0..100 {
                        black_box(vec![i as u8; 1000]);
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
    });
    assert!(d.allocations >= 400 && d.total_bytes >= 400_000, "{d:?}");
    assert_eq!(d.allocations, d.deallocations, "{d:?}");
    assert_eq!(d.live_bytes, before.live_bytes, "{d:?}");
    assert!(d.peak_bytes >= before.live_bytes + 1000, "{d:?}");
    assert_eq!(GLOBAL.stats().failures, 0);

    println!("counting_global: the global allocator counted every call exactly");
}
