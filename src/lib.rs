//! `Box`, `Vec` and `String` generic over the [`Allocator`](alloc::Allocator) trait, and the
//! allocators to put under them.
//!
//! Rust's standard collections can only allocate from the global heap on stable, and
//! `String` cannot be given an allocator even on nightly. allockit reimplements them with
//! an allocator parameter `A` (defaulting to [`Global`](alloc::Global), the global heap),
//! so that the same code can put its data in a bump arena, a pool, a counting wrapper or
//! anything else that implements the trait:
//!
//! ```
//! use allockit::{Vec, vec};
//! use allockit::alloc::Global;
//!
//! // Exactly std's API...
//! let mut v = vec![1, 2, 3];
//! v.push(4);
//! assert_eq!(v, [1, 2, 3, 4]);
//!
//! // ...with the allocator as a parameter.
//! let mut w: Vec<u8, Global> = Vec::new_in(Global);
//! w.extend_from_slice(b"hello");
//! assert_eq!(w.capacity(), 8); // std's growth rule: 8 is the minimum for bytes
//! ```
//!
//! # Choosing an allocator
//!
//! | allocator                 | allocate                       | free                                   | threads                        | use it for |
//! |---------------------------|--------------------------------|----------------------------------------|--------------------------------|------------|
//! | [`Global`](alloc::Global) | the global heap (`malloc`)     | each block, any order                  | any                            | data with independent lifetimes: the default |
//! | [`Bump`]                  | a pointer bump: a few instructions | all at once (`reset`, drop, [scopes](Bump::scope)); the newest block also singly | one (`!Sync`)      | phases: a parse, a compile pass, a frame, a request, whose data all dies together |
//! | [`Arena`]                 | a compare-and-swap bump, or a plain bump through a per-thread [`LocalArena`](arena::LocalArena) | all at once (`reset`, drop) | shared (`Sync`) | the same, when several threads build the data: a request served by a thread pool |
//! | [`Pool`]                  | pop a free list                | each block, back on the free list      | one; [`SyncPool`] shares one   | many objects of one size that come and go: nodes, connections, messages |
//!
//! The rule of thumb: if the data dies together, bump it (`Bump`, or `Arena` across
//! threads); if objects of one size die one by one and are replaced, pool them; otherwise
//! use the heap. Each allocator module's docs explain how it works inside, with diagrams,
//! and `cargo run --example tour` shows every one of them at work, call by call.
//!
//! # What is inside
//!
//! | module                  | what it holds                                                       |
//! |-------------------------|---------------------------------------------------------------------|
//! | [`alloc`]               | the one place that picks core's `Allocator` or allocator-api2's     |
//! | [`arena`]               | [`Arena`]: a bump allocator that threads share, lock-free       |
//! | [`boxed`]               | `Box<T, A>`, boxed slices and strings, and [`unsize_box!`]          |
//! | [`bump`]                | [`Bump`]: a chunked bump allocator whose newest block grows in place |
//! | [`pool`]                | [`Pool`]: fixed-size blocks reused through a free list; other layouts go to the parent; [`SyncPool`] shares one between threads |
//! | [`raw_vec`]             | `RawVec<T, A>`: the growth engine (amortized doubling) behind `Vec` |
//! | [`vec`](mod@vec)        | `Vec<T, A>`, its iterators and the [`vec!`] macro                   |
//! | [`string`]              | `String<A>` (UTF-8 over `Vec<u8>`) and the [`format_string!`] macro |
//! | [`wrappers`]            | [`Counting`] (allocation counts), [`Tracing`](wrappers::Tracing) (every call, as it happens), [`FaultInjecting`](wrappers::FaultInjecting) (refusals on a schedule) and [`FromGlobalAlloc`] (`GlobalAlloc` as `Allocator`) |
//! | [`TryReserveError`]     | why a fallible reservation failed                                   |
//!
//! # Learning how Rust allocates
//!
//! The examples are a course in themselves:
//!
//! - `cargo run --example tour`: `Layout`, the `Allocator` trait, and every collection
//!   and allocator of the crate, with each allocator call printed as it happens;
//! - `cargo run --example growth`: how a `Vec`'s capacity doubles, and what each growth
//!   copies over the global heap and over a `Bump`, drawn as an SVG chart;
//! - `cargo run --example parser`: an expression parser whose AST lives in a `Bump`;
//! - `cargo run --release --example server`: an HTTP server with per-request arenas that,
//!   once warm, takes nothing from the global allocator.
//!
//! # Nightly and stable
//!
//! Without features, the collections are bounded on [`allocator_api2`]'s `Allocator`
//! (0.2, the trait hashbrown and bumpalo use on stable), so `hashbrown::HashMap::new_in`
//! and allockit's collections can share one allocator. With `--features nightly` they are
//! bounded on core's unstable `core::alloc::Allocator` instead, so everything also works
//! with std's own `Vec::new_in` and hashbrown's `nightly` feature; on nightly, `Vec`'s
//! destructor is also `#[may_dangle]` like std's.
//!
//! # Features
//!
//! - `std` (default): `std::io::Write` for `Vec<u8, A>`.
//! - `nightly`: core's `Allocator` trait and the unstable language features that std's own
//!   collections use.
//!
//! # Unsafe code
//!
//! Every `unsafe` block names the invariant it relies on in a `// SAFETY:` comment, every
//! `unsafe fn` has a `# Safety` section of *must* conditions, and each type states its
//! invariants once, in its doc comment. The test suite runs under AddressSanitizer and
//! checks every collection operation against std's own collections.

#![no_std]
#![cfg_attr(
    feature = "nightly",
    feature(
        allocator_api,
        dropck_eyepatch,
        coerce_unsized,
        dispatch_from_dyn,
        unsize,
        pin_coerce_unsized_trait,
        unboxed_closures,
        fn_traits,
        tuple_trait
    )
)]
#![cfg_attr(docsrs, feature(doc_cfg))]
// Doctests opt into the unstable trait exactly when the crate does, as users must.
#![doc(test(attr(cfg_attr(feature = "nightly", feature(allocator_api)))))]
#![deny(unsafe_op_in_unsafe_fn, missing_docs)]
#![warn(clippy::undocumented_unsafe_blocks, clippy::missing_safety_doc)]

extern crate alloc as alloc_crate;
#[cfg(feature = "std")]
extern crate std;

pub mod alloc;
pub mod arena;
pub mod boxed;
pub mod bump;
mod error;
pub mod pool;
mod range;
pub mod raw_vec;
pub mod string;
mod sync;
pub mod vec;
pub mod wrappers;

pub use arena::Arena;
pub use boxed::Box;
pub use bump::Bump;
pub use error::{TryReserveError, TryReserveErrorKind};
pub use pool::{Pool, SyncPool};
pub use string::String;
pub use vec::Vec;
#[cfg(target_has_atomic = "ptr")]
pub use wrappers::Counting;
pub use wrappers::FromGlobalAlloc;

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
