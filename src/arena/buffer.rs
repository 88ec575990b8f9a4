//! An arena over a caller's buffer: `Arena::from_buffer`, a `const fn`, so that a
//! `static` arena over a `static` buffer needs no run-time set-up at all.

use core::mem::MaybeUninit;
use core::ptr::NonNull;

use super::{Arena, NoHeap};
use crate::sync::const_unless_loom;

impl<'buf> Arena<NoHeap<'buf>> {
    const_unless_loom! {
        /// An arena that hands out the bytes of `buffer` and nothing else.
        ///
        /// It is a `const fn`: the buffer becomes the arena's one chunk (its first 16-aligned
        /// bytes hold a 48-byte chunk header) on first use, so a `static` arena over a
        /// `static` buffer can serve as `#[global_allocator]` (the pattern of `no_std`
        /// firmware: carve the heap out of RAM once, allocate at start-up, then stop) or
        /// as a fixed-memory region for a server. Once the buffer is full, allocation
        /// fails with `AllocError`; [`reset`](Arena::reset) makes it all available again.
        ///
        /// # Examples
        ///
        /// ```
        /// use core::mem::MaybeUninit;
        /// use allockit::{Arena, Vec};
        ///
        /// let mut memory = [MaybeUninit::<u8>::uninit(); 1024];
        /// let arena = Arena::from_buffer(&mut memory);
        /// let mut v: Vec<u32, &Arena<_>> = Vec::new_in(&arena);
        /// v.extend(0..100);
        /// assert!(v.try_reserve(1000).is_err()); // more than the buffer holds
        /// assert_eq!(arena.stats().reserved, 0); // nothing from the heap
        /// ```
        ///
        /// A `static` arena over a `static` buffer, shared by threads:
        ///
        /// ```
        /// use core::mem::MaybeUninit;
        /// use allockit::Arena;
        /// use allockit::arena::NoHeap;
        ///
        /// static mut MEMORY: [MaybeUninit<u8>; 4096] = [MaybeUninit::uninit(); 4096];
        /// // SAFETY: `MEMORY` is used by nothing but this arena.
        /// static ARENA: Arena<NoHeap<'static>> = Arena::from_buffer(unsafe { &mut *(&raw mut MEMORY) });
        ///
        /// std::thread::scope(|s| {
        ///     for t in 0..4u32 {
        ///         s.spawn(move || assert_eq!(*ARENA.alloc(t), t));
        ///     }
        /// });
        /// # if cfg!(asan) { return; } // ASan's red zones change the byte counts
        /// assert_eq!(ARENA.stats().allocated, 16);
        /// ```
        #[must_use]
        pub fn from_buffer(buffer: &'buf mut [MaybeUninit<u8>]) -> Self {
            let len = buffer.len();
            // SAFETY: a slice's pointer is never null.
            let start = unsafe { NonNull::new_unchecked(buffer.as_mut_ptr().cast::<u8>()) };
            Arena::empty(NoHeap::new(), Some((start, len)))
        }
    }
}
