//! Allocator wrappers: allocators that hold another allocator and forward every call to
//! it, doing one more thing on the way.
//!
//! A wrapper is itself an allocator, so it goes wherever an allocator goes: under a
//! `Vec<T, A>`, as the parent of a [`Bump`](crate::Bump), inside another wrapper, or (for
//! a wrapper that implements [`GlobalAlloc`](core::alloc::GlobalAlloc)) as the
//! `#[global_allocator]` of a whole program. The memory always comes from the wrapped
//! allocator (the *inner* one); the wrapper only watches, or translates.
//!
//! | wrapper                | wraps                              | use it to                                                        |
//! |------------------------|------------------------------------|------------------------------------------------------------------|
//! | [`Counting<A>`]        | an `Allocator` or a `GlobalAlloc`  | count allocations, frees, resizes, failures and live/peak bytes  |
//! | [`FromGlobalAlloc<G>`] | a zero-sized `GlobalAlloc`         | use `std::alloc::System`, mimalloc, jemalloc... as an `Allocator` |
//! | [`Tracing<A, S>`]      | an `Allocator` or a `GlobalAlloc`  | see every call as it happens: sizes, in place or moved, failures  |
//! | [`FaultInjecting<A>`]  | an `Allocator` or a `GlobalAlloc`  | refuse requests on a schedule, to test out-of-memory handling     |
//!
//! **[`Counting`]** answers "how much does this allocate?". In a test, assert that a
//! function makes exactly the allocations you expect; in a server, take a
//! [`stats`](Counting::stats) snapshot before and after a request and print the
//! [difference](CountingStats::since); as the `#[global_allocator]`, count everything the
//! program allocates. Its counters are atomics, so one `Counting` can be shared by
//! reference (`&Counting<A>` is an allocator too) between collections and threads.
//!
//! **[`FromGlobalAlloc`]** answers "can I put a `Vec` on *that* heap?". `GlobalAlloc` is
//! the stable trait that heap allocators implement so they can be a program's
//! `#[global_allocator]`; it can serve only one program-wide role that way. Wrapped,
//! the same allocator becomes an `Allocator`, so one binary can hold collections over
//! the system allocator, over mimalloc and over a [`Bump`](crate::Bump) side by side, for
//! instance to benchmark them against each other.
//!
//! **[`Tracing`]** answers "what is my collection doing to the allocator?". Each call is
//! reported to a sink after the inner allocator answered, as an
//! [`Event`](tracing::Event): a closure, or [`Stderr`](tracing::Stderr), which prints a
//! line per call without allocating, so the tracer can be the `#[global_allocator]`.
//!
//! **[`FaultInjecting`]** answers "what happens when memory runs out?". Its
//! [`FaultPlan`] refuses the n-th request, every request after n, every k-th, every
//! request above a size, or a seeded random one in n; a refused request never reaches
//! the inner allocator.
//!
//! Wrappers compose: `Counting<FromGlobalAlloc<System>>` counts what a collection asks of
//! the system allocator, and `Bump<&Counting<Global>>` counts the chunks a bump takes from
//! the global heap.
//!
//! # Examples
//!
//! Two vectors sharing one counter over the system allocator:
//!
//! ```
//! use allockit::Vec;
//! use allockit::wrappers::{Counting, FromGlobalAlloc};
//! use std::alloc::System;
//!
//! let counter = Counting::new(FromGlobalAlloc::new(System));
//! let mut a: Vec<u32, _> = Vec::new_in(&counter);
//! let mut b: Vec<u8, _> = Vec::new_in(&counter);
//! for i in 0..10 {
//!     a.push(i); // capacity 4, then 8, then 16: one allocation and two grows
//! }
//! b.push(1); // capacity 8 (the minimum for bytes)
//!
//! let stats = counter.stats();
//! assert_eq!((stats.allocations, stats.grows), (2, 2));
//! assert_eq!(stats.live_bytes, 16 * 4 + 8);
//! drop((a, b));
//! assert_eq!(counter.stats().live_bytes, 0);
//! assert_eq!(counter.stats().deallocations, 2);
//! ```

#[cfg(target_has_atomic = "ptr")]
mod counting;
#[cfg(all(target_has_atomic = "ptr", target_has_atomic = "64"))]
mod fault_injecting;
mod from_global;
pub mod tracing;

#[cfg(target_has_atomic = "ptr")]
pub use counting::{Counting, CountingStats};
#[cfg(all(target_has_atomic = "ptr", target_has_atomic = "64"))]
pub use fault_injecting::{FaultInjecting, FaultPlan, FaultStats};
pub use from_global::FromGlobalAlloc;
pub use tracing::Tracing;
