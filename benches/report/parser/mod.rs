//! The parser workload: a generated JSON-like document parsed into an AST, the AST walked,
//! and the AST freed, with the AST's memory in a [`Bump`] or on the heap.
//!
//! # What it shows
//!
//! A compiler's front end builds a tree of many small objects (nodes, identifiers, child
//! lists), reads it a few times, and throws all of it away at once. That is the life an
//! arena is made for, and this workload has exactly that shape: one run is
//!
//! ```text
//!   parse (recursive descent) ──► walk (a checksum over every value and key) ──► free
//! ```
//!
//! and the report times the whole run. The parser is written once, generic over [`Build`]
//! (how to allocate a node, a string and a list), so the variants differ *only* in where
//! the AST lives:
//!
//! | variant   | a node (`Value`)                 | a string       | a child list                 |
//! |-----------|----------------------------------|----------------|------------------------------|
//! | `bump`    | `&'b Value`, [`Bump::alloc`]     | `&'b str`, [`Bump::alloc_str`] | `allockit::Vec<_, &'b Bump>` |
//! | `std`     | `Box<Value>`                     | `String`       | `Vec<_>`                     |
//! | `bumpalo` | `&'b Value`, `bumpalo::Bump::alloc` | `&'b str`   | `bumpalo::collections::Vec<'b, _>` |
//!
//! # Where the memory goes
//!
//! With `std`, every node, every string (keys included) and every non-empty list is a
//! heap block of its own: one `malloc` when it is built, one `free` when the tree is
//! dropped, and a malloc header beside each (8 bytes, the block rounded up to 16). The
//! 10 MB document has 430,000 values, 340,000 keys, 173,000 string values and 106,000
//! non-empty lists: 1.05 million blocks. With `bump`, the same things are carved one
//! after the other out of chunks that start at 512 bytes and double up to 16 MiB: 16
//! chunks (32 MiB) for the 10 MB document, and freeing the tree is freeing those 16:
//!
//! ```text
//!   std: a block per node, string and list, wherever malloc finds room
//!    ┌─┬─────┐      ┌─┬──────┐   ┌─┬─────┐          ┌─┬───────────┐   ┌─┬─────┐
//!    │h│ Box │ ...  │h│String│   │h│ Box │   ...    │h│ Vec buffer│   │h│ Box │  ...
//!    └─┴─────┘      └─┴──────┘   └─┴─────┘          └─┴───────────┘   └─┴─────┘
//!     ▲ h: malloc's header    malloc'd one by one while parsing, freed one by one by Drop
//!
//!   bump: the same values side by side, in the order the parser made them
//!    ┌──┬───────────────────────────────────────┐   ┌──┬─────────────────────────── ─ ─
//!    │H │ "id" node "name" "Ada" node list node │◄──┤H │ "tags" "rust" node list ...
//!    └──┴───────────────────────────────────────┘   └──┴─────────────────────────── ─ ─
//!     ▲ H: chunk header    a pointer bump per allocation; all freed when the Bump drops
//! ```
//!
//! So `bump` calls the system allocator 32 times (16 chunks in, 16 out) where `std` calls
//! it two million times, touches memory in the order it parses (and a subtree's nodes lie
//! together for the walk), and carries no per-block header: its peak resident memory is
//! about two thirds of `std`'s. It pays in two ways: the newest chunk is partly empty (up
//! to half of what the bump holds, since chunks double, though untouched pages cost no
//! resident memory), and a node cannot be freed alone (no matter here: the whole tree
//! dies together). Its nodes are also a little bigger: a `Value` is 40 bytes against
//! `std`'s 32, because an `allockit::Vec<_, &Bump>` carries its allocator (32 bytes
//! against 24).
//!
//! # Child lists
//!
//! While an array is being parsed, its elements' own nodes and strings are allocated after
//! its list would be, so a list pushed to in place would never be the bump's newest block
//! and every growth would copy it and strand the old buffer. The parser instead collects a
//! list's children on a scratch stack (a `std::vec::Vec` reused for the whole parse) and
//! builds the list once, at its exact length, when the closing bracket comes: the way
//! arena-based compilers build their child slices. Every variant goes through the same
//! scratch stacks, so the comparison stays fair (`std`'s lists get exact capacities too).
//!
//! # The document
//!
//! [`generate`] writes, from a fixed seed, an array of records shaped like an API dump:
//! ids, names (some outside ASCII), emails, numbers, booleans and nulls, tag lists, a
//! nested address, lists of small objects, and a free-text `bio` whose strings carry
//! escapes (`\"`, `\\`, `\n`, `\t`, `\u00e9`, surrogate pairs). The outer levels are
//! pretty-printed, the inner ones written on one line. A record is about 1.1 KB and 46
//! values; the 10 MB document has 9,300 of them.
//!
//! [`self_check`] parses small valid and malformed documents through every variant and
//! checks the trees, the errors and their byte offsets.

mod ast;
mod check;
mod document;
mod grammar;
mod walk;

use allockit::Bump;

pub use ast::{Build, Value};
use ast::{InBump, InBumpalo, OnHeap};
pub use check::self_check;
pub use document::generate;
use grammar::MAX_DEPTH;
pub use grammar::{SyntaxError, parse};
use walk::{Fnv, walk};

/// One way of building the AST.
pub struct Variant {
    /// Short name (`"bump"`, `"std"`).
    pub name: &'static str,
    /// One line: where the nodes and strings live.
    pub about: &'static str,
    /// Ours or a peer.
    pub ours: bool,
    /// Parses `document`, walks the AST and drops it.
    pub run: fn(document: &str) -> Summary,
}

/// What a parse computed: equal for every variant on the same document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Summary {
    /// A hash of the AST's contents.
    pub checksum: u64,
    /// AST nodes built.
    pub nodes: u64,
}

/// Every variant: ours first, then the peer the report compares it with (`std`), then
/// bumpalo for context.
pub fn variants() -> Vec<Variant> {
    vec![
        Variant {
            name: "bump",
            about: "nodes and strings in an allockit `Bump`, child lists `allockit::Vec<_, &Bump>`",
            ours: true,
            run: run_bump,
        },
        Variant {
            name: "std",
            about: "`Box` nodes, `String` strings, `Vec` child lists (glibc malloc)",
            ours: false,
            run: run_std,
        },
        Variant {
            name: "bumpalo",
            about: "nodes and strings in a `bumpalo::Bump`, child lists `bumpalo::collections::Vec`",
            ours: false,
            run: run_bumpalo,
        },
    ]
}

/// The `bump` variant: a fresh `Bump` per run, dropped with the AST in it.
fn run_bump(document: &str) -> Summary {
    let bump = Bump::new();
    let summary = parse_walk_drop(InBump(&bump), document);
    drop(bump);
    summary
}

/// The `std` variant: the AST on the global heap, dropped node by node.
fn run_std(document: &str) -> Summary {
    parse_walk_drop(OnHeap, document)
}

/// The `bumpalo` variant: a fresh `bumpalo::Bump` per run.
fn run_bumpalo(document: &str) -> Summary {
    let bump = bumpalo::Bump::new();
    let summary = parse_walk_drop(InBumpalo(&bump), document);
    drop(bump);
    summary
}

/// Parses `document` with `build`, walks the AST and drops it (the nodes a `Bump` holds
/// go when the caller drops the `Bump`).
///
/// # Panics
///
/// On a syntax error, with its byte offset: the document is ours, so an error is a bug.
fn parse_walk_drop<B: Build>(build: B, document: &str) -> Summary {
    let (root, nodes) = parse(build, document)
        .unwrap_or_else(|error| panic!("the generated document does not parse: {error}"));
    let mut hash = Fnv::new();
    let walked = walk(&root, &mut hash);
    assert_eq!(walked, nodes, "the walk visited another number of nodes than were built");
    drop(root);
    Summary { checksum: hash.finish(), nodes }
}
