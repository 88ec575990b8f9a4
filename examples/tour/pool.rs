//! The `Pool` section: blocks of one size, freed onto a free list and handed out again.

use allockit::alloc::{Allocator, Global, Layout};
use allockit::wrappers::Counting;
use allockit::{Box, Pool};

use crate::ledger::{Ledger, counted};
use crate::style::{result, say, section};

/// A node of a singly linked list whose boxes come from allocator `A`.
struct Node<A: Allocator> {
    value: u64,
    next: Option<Box<Node<A>, A>>,
}

pub fn reuse(ledger: &Ledger) {
    section("A Pool: one block size, freed blocks reused");
    say("A Pool is built for one layout. It cuts slabs from its parent into blocks, and a");
    say("freed block goes on a free list (its first word links to the next free block), so");
    say("the next allocation reuses it: the block freed last is handed out first.");
    println!();
    say("   slab: [ live | free ─┐ | live | free ─┐ | ... ]     free list: head ─► ... ─► none");
    say("                       └──────────────────┘");
    println!();

    let parent = Counting::new(Global);
    // The nodes box through a reference to an allocator; any reference has the same size,
    // so `Node<&Global>` has the layout of the nodes built below.
    let pool = Pool::new_in(Layout::new::<Node<&Global>>(), &parent);
    let tracer = counted(&pool, ledger);

    let mut list: Option<Box<Node<_>, _>> = None;
    for value in 0..1000 {
        list = Some(Box::new_in(Node { value, next: list.take() }, &tracer));
    }
    let stats = pool.stats();
    result(format_args!(
        "a linked list of 1000 nodes: {} live blocks of {} B in {} slabs; the parent saw {} \
         allocations for them",
        stats.live_blocks,
        stats.block_size,
        stats.slabs,
        parent.stats().allocations
    ));

    let top = list.take().expect("1000 nodes");
    let freed = &*top as *const Node<_> as usize;
    let rest = Box::into_inner(top).next; // the head's block goes on the free list
    let again = Box::new_in(Node { value: 7, next: rest }, &tracer);
    let landed = &*again as *const Node<_> as usize;
    result(format_args!(
        "freed the head node at {freed:#x}; the next node (value {}) landed at {landed:#x}: {}",
        again.value,
        if landed == freed { "the same block" } else { "another block" }
    ));

    drop(again); // the whole list goes back on the free list, node by node
    let stats = pool.stats();
    result(format_args!(
        "after dropping the list: {} live, {} free blocks; still {} slabs until \
         release_empty_slabs()",
        stats.live_blocks, stats.free_blocks, stats.slabs
    ));
    let released = pool.release_empty_slabs();
    result(format_args!(
        "release_empty_slabs() gave {released} B back; the parent now holds {} B for the pool",
        parent.stats().live_bytes
    ));
}
