//! The rest of `Pool`'s surface: `owns`, `allocator`, `Debug`, `Send` and not `Sync`, and
//! `&Pool` as the allocator of other collections (hashbrown's, ours sharing one pool, a
//! pool over another allocator).

use std::ptr::NonNull;
use std::thread;

use allockit::alloc::{Allocator, Global, Layout};
use allockit::{Box, Bump, Pool, String, Vec};

use super::{TestPool, assert_accounted};
use crate::common::test_alloc::TestAlloc;

/// `<T as NotSync<_>>::check()` compiles only if `T` is not `Sync` (the call is ambiguous
/// otherwise).
trait NotSync<Marker> {
    fn check() {}
}
impl<T: ?Sized> NotSync<()> for T {}
impl<T: ?Sized + Sync> NotSync<u8> for T {}

fn send<T: Send + ?Sized>() {}

// ---------------------------------------------------------------------------------------
// owns
// ---------------------------------------------------------------------------------------

#[test]
fn owns_knows_the_blocks_it_handed_out() {
    let pool = Pool::for_type::<[u64; 2]>();
    let a = (&pool).allocate(Layout::new::<[u64; 2]>()).unwrap().cast::<u8>();
    let b = (&pool).allocate(Layout::new::<u8>()).unwrap().cast::<u8>();
    assert!(pool.owns(a.as_ptr()) && pool.owns(b.as_ptr()));
    // Inside a block, or the next, uncarved block: not a block handed out.
    // SAFETY: offsets inside the slab.
    let (inside, next) = unsafe { (a.as_ptr().add(8), b.as_ptr().add(16)) };
    assert!(!pool.owns(inside));
    assert!(!pool.owns(next));
    // A freed block was handed out once: still the pool's.
    // SAFETY: live with this layout.
    unsafe { (&pool).deallocate(b, Layout::new::<u8>()) };
    assert!(pool.owns(b.as_ptr()));
    // Forwarded blocks, other memory and null are not.
    let big = (&pool).allocate(Layout::new::<[u64; 8]>()).unwrap().cast::<u8>();
    assert!(!pool.owns(big.as_ptr()));
    let local = 5u64;
    assert!(!pool.owns((&raw const local).cast()));
    assert!(!pool.owns(std::ptr::null()));
    let other = Pool::for_type::<[u64; 2]>();
    let c = (&other).allocate(Layout::new::<[u64; 2]>()).unwrap().cast::<u8>();
    assert!(!pool.owns(c.as_ptr()) && other.owns(c.as_ptr()));
    // SAFETY: live with these layouts.
    unsafe {
        (&pool).deallocate(a, Layout::new::<[u64; 2]>());
        (&pool).deallocate(big, Layout::new::<[u64; 8]>());
        (&other).deallocate(c, Layout::new::<[u64; 2]>());
    }
}

#[test]
fn owns_forgets_the_blocks_of_released_slabs() {
    let pool = Pool::for_type::<u64>();
    let b = Box::new_in(1u64, &pool);
    let ptr = Box::as_ptr(&b).cast::<u8>();
    drop(b);
    assert!(pool.owns(ptr));
    assert!(pool.release_empty_slabs() > 0);
    assert!(!pool.owns(ptr));
}

// ---------------------------------------------------------------------------------------
// allocator, Debug, auto traits
// ---------------------------------------------------------------------------------------

#[test]
fn allocator_is_the_parent() {
    let parent = TestAlloc::new();
    let pool = Pool::new_in(Layout::new::<u64>(), &parent);
    assert!(std::ptr::eq(*pool.allocator(), &parent));
    let _: &Global = Pool::for_type::<u8>().allocator();
}

#[test]
fn debug_shows_the_statistics() {
    let pool = Pool::for_type::<u64>();
    let b = Box::new_in(1u64, &pool);
    let text = format!("{pool:?}");
    assert_eq!(text, format!("Pool {{ stats: {:?}, .. }}", pool.stats()));
    assert!(text.contains("block_size: 8") && text.contains("live_blocks: 1"), "{text}");
    drop(b);
    assert!(format!("{pool:?}").contains("live_blocks: 0"));
}

#[test]
fn a_pool_is_send_and_not_sync() {
    send::<Pool>();
    send::<Pool<&TestAlloc>>();
    send::<Pool<Global>>();
    <Pool as NotSync<_>>::check();
    <Pool<&TestAlloc> as NotSync<_>>::check();
    // Nor are collections that hold a `&Pool`.
    <Vec<u8, &Pool> as NotSync<_>>::check();
    <Box<u64, &Pool> as NotSync<_>>::check();
}

#[test]
fn a_pool_moves_to_another_thread_with_its_slabs() {
    let parent = TestAlloc::new();
    let pool = Pool::new_in(Layout::new::<u64>(), &parent);
    let kept = (&pool).allocate(Layout::new::<u64>()).unwrap().cast::<u64>();
    // SAFETY: a live 8-byte block.
    unsafe { kept.write(41) };
    let addr = kept.as_ptr() as usize;
    let pool = thread::scope(|s| {
        s.spawn(move || {
            let ptr = NonNull::new(addr as *mut u64).unwrap();
            // SAFETY: the block moved with the pool; nothing else uses it.
            unsafe { ptr.write(ptr.read() + 1) };
            let b = Box::new_in(2u64, &pool);
            assert_eq!(pool.stats().live_blocks, 2);
            drop(b);
            pool
        })
        .join()
        .unwrap()
    });
    // SAFETY: still live, written by the other thread before the join.
    assert_eq!(unsafe { kept.read() }, 42);
    // SAFETY: live with this layout.
    unsafe { (&pool).deallocate(kept.cast(), Layout::new::<u64>()) };
    assert_accounted(&pool, &parent);
    drop(pool);
    parent.assert_no_leaks();
}

// ---------------------------------------------------------------------------------------
// Other collections over a pool
// ---------------------------------------------------------------------------------------

#[test]
fn a_hashbrown_map_over_a_pool() {
    let parent = TestAlloc::new();
    {
        let pool = Pool::new_in(Layout::new::<[u64; 4]>(), &parent);
        let mut map = hashbrown::HashMap::new_in(&pool);
        assert!(std::ptr::eq(*map.allocator(), &pool));
        for i in 0..2000u32 {
            map.insert(i, u64::from(i) * 3);
            if i % 250 == 0 {
                assert_accounted(&pool, &parent);
            }
        }
        assert!((0..2000).all(|i| map[&i] == u64::from(i) * 3));
        // The table is too big for a block: the parent's, exactly its size.
        assert_eq!(pool.stats().forwarded, map.allocation_size());
        for i in (0..2000).step_by(2) {
            assert_eq!(map.remove(&i), Some(u64::from(i) * 3));
        }
        map.shrink_to_fit();
        assert_eq!(map.len(), 1000);
        assert!((1..2000).step_by(2).all(|i| map[&i] == u64::from(i) * 3));
        assert_eq!(pool.stats().forwarded, map.allocation_size());
        assert_accounted(&pool, &parent);
    }
    parent.assert_no_leaks();
}

#[test]
fn a_hashbrown_map_of_pooled_boxes() {
    let parent = TestAlloc::new();
    {
        let pool = Pool::new_in(Layout::new::<[u64; 3]>(), &parent);
        let mut map: hashbrown::HashMap<u32, Box<[u64; 3], &TestPool<'_>>> =
            hashbrown::HashMap::new();
        for i in 0..500u32 {
            map.insert(i, Box::new_in([u64::from(i); 3], &pool));
        }
        assert_eq!(pool.stats().live_blocks, 500);
        map.retain(|k, _| k % 3 == 0);
        assert_eq!(pool.stats().live_blocks, 167);
        assert!(map.iter().all(|(&k, v)| **v == [u64::from(k); 3]));
        drop(map);
        assert_eq!(pool.stats().live_blocks, 0);
        assert_accounted(&pool, &parent);
    }
    parent.assert_no_leaks();
}

#[test]
fn our_collections_share_one_pool() {
    let parent = TestAlloc::new();
    {
        let pool = Pool::new_in(Layout::new::<[u8; 32]>(), &parent);
        let mut names: std::vec::Vec<String<&TestPool<'_>>> = std::vec::Vec::new();
        for i in 0..200 {
            let mut s = String::new_in(&pool);
            s.push_str(&format!("name {i}"));
            names.push(s);
        }
        let mut list: Vec<u16, &TestPool<'_>> = Vec::new_in(&pool);
        list.extend(0..1000);
        let boxed = Box::new_in(*b"thirty-two bytes, one pool block", &pool);
        let s = pool.stats();
        assert_eq!(s.live_blocks, 201, "every name and the box are pool blocks: {s:?}");
        assert_eq!(s.forwarded, list.capacity() * 2, "the list is the parent's");
        assert!(names.iter().enumerate().all(|(i, s)| *s == format!("name {i}")));
        assert_eq!(&*boxed, b"thirty-two bytes, one pool block");
        assert!(list.iter().copied().eq(0..1000));
        drop((names, list, boxed));
        assert_accounted(&pool, &parent);
    }
    parent.assert_no_leaks();
}

#[test]
fn a_pool_over_a_bump_and_over_another_pool() {
    let bump = Bump::new();
    {
        let pool = Pool::new_in(Layout::new::<u32>(), &bump);
        let boxes: std::vec::Vec<_> = (0..100u32).map(|i| Box::new_in(i, &pool)).collect();
        assert!(boxes.iter().enumerate().all(|(i, b)| **b == i as u32));
        assert!(bump.stats().allocated >= pool.stats().reserved);
    }
    let parent = TestAlloc::new();
    {
        let outer = Pool::new_in(Layout::new::<[u8; 64]>(), &parent);
        let inner = Pool::new_in(Layout::new::<u64>(), &outer);
        let boxes: std::vec::Vec<_> = (0..1000u64).map(|i| Box::new_in(i, &inner)).collect();
        // The inner pool's slabs are too big for the outer's blocks: forwarded.
        assert_eq!(outer.stats().forwarded, inner.stats().reserved);
        assert_eq!(outer.stats().live_blocks, 0);
        assert!(boxes.iter().enumerate().all(|(i, b)| **b == i as u64));
        drop(boxes);
        drop(inner);
        assert_eq!(outer.stats().forwarded, 0);
        assert_accounted(&outer, &parent);
    }
    parent.assert_no_leaks();
}

#[cfg(feature = "nightly")]
mod nightly {
    use super::*;

    /// With `nightly`, `&Pool` is core's `Allocator` too: std's own `Vec` and `Box` use it.
    #[test]
    fn std_collections_over_a_pool() {
        let parent = TestAlloc::new();
        {
            let pool = Pool::new_in(Layout::new::<[u64; 2]>(), &parent);
            let b = std::boxed::Box::new_in([1u64, 2], &pool);
            assert!(pool.owns(std::ptr::from_ref(&*b).cast()));
            let mut v: std::vec::Vec<u64, &TestPool<'_>> = std::vec::Vec::new_in(&pool);
            v.extend(0..100);
            assert_eq!(pool.stats().forwarded, v.capacity() * 8);
            v.truncate(2);
            v.shrink_to_fit();
            assert!(pool.owns(v.as_ptr().cast()), "shrunk back into a block");
            assert_eq!((pool.stats().live_blocks, pool.stats().forwarded), (2, 0));
            drop((b, v));
            assert_accounted(&pool, &parent);
        }
        parent.assert_no_leaks();
    }
}
