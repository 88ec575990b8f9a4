//! Tests of `allockit::Bump`.
//!
//! - [`differential`]: the `Vec`, `Box` and `String` differential suites over `&Bump`,
//!   including a small-chunk `Bump` that forces many chunk switches;
//! - [`properties`]: allocator-level property tests (random allocate / grow / shrink /
//!   deallocate / reset; live blocks never overlap, are aligned and keep their contents);
//! - [`interop`]: hashbrown's `HashMap::new_in(&bump)` and, with `nightly`, std's `Vec`;
//! - [`chunk_growth`]: a block alone in its chunk grows the chunk through the parent;
//! - [`api`]: the direct arena API, including panic safety (drops counted, room given back);
//! - [`lifecycle`]: resets, scopes, the allocation limit, exact statistics, chunk sizing;
//! - [`edge`]: extreme alignments and sizes, zero-sized requests, the buffer-backed bump,
//!   in-place growth;
//! - [`poisoning`] (with `--cfg asan` only): AddressSanitizer reports an overflow from one
//!   bump allocation into the next, and a use after a scope's rewind.

mod api;
mod chunk_growth;
mod differential;
mod edge;
mod interop;
mod lifecycle;
#[cfg(asan)]
mod poisoning;
mod properties;
