//! The free blocks a [`SyncPool`](super::SyncPool) holds itself, kept in whole batches, so
//! that a [`LocalPool`](super::LocalPool) takes or gives a batch with a few pointer moves
//! under the lock, however large the batch.
//!
//! ```text
//!   chains ──▶ ┌────────────┐    ┌──────┐         ┌──────┐
//!              │ next      ─┼──▶ │ next ┼─▶ ... ─▶│ None │   a batch: exactly `batch`
//!              │ next_chain │    └──────┘         └──────┘   blocks, linked through `next`
//!              └─────┼──────┘
//!                    ▼
//!              ┌────────────┐    ┌──────┐
//!              │ next      ─┼──▶ │ next ┼─▶ ...             the batch given back before it
//!              │ None       │    └──────┘
//!              └────────────┘
//!
//!   loose  ──▶ ┌──────┐    ┌──────┐
//!              │ next ┼──▶ │ None │                          blocks freed one at a time
//!              └──────┘    └──────┘                          through `&SyncPool`: < batch
//! ```
//!
//! Every free block links to the next block of its list through its first word, as a
//! [`Pool`](crate::Pool)'s do; the first block of a batch on the stack also links to the
//! next batch through its second word. So the pool's blocks are at least two words long.
//! A batch is pushed or popped whole by rewriting the stack's head and one block's second
//! word, whatever its length. Blocks freed through `&SyncPool` go on the `loose` list, and
//! when it reaches a batch's length it is pushed as one.

use core::ptr::NonNull;

use crate::bump::poison;
use crate::pool::block::{FreeBlock, next_of};

/// What the first block of a batch on the stack holds: the link every free block holds,
/// then the link to the next batch.
#[repr(C)]
pub(super) struct ChainHead {
    block: FreeBlock,
    next_chain: Option<NonNull<FreeBlock>>,
}

/// Writes `next` as the link of the free block at `block`, with the link word briefly
/// unpoisoned under `cfg(asan)`.
///
/// # Safety
///
/// - `block` must be a block of a live slab, at least a [`ChainHead`] long and aligned for
///   it, that no one else reads or writes meanwhile.
#[inline(always)]
pub(super) unsafe fn set_next(block: NonNull<FreeBlock>, next: Option<NonNull<FreeBlock>>) {
    poison::unpoison(block.cast(), size_of::<FreeBlock>());
    // SAFETY: the block is writable, aligned and ours for now (caller's contract).
    unsafe { (*block.as_ptr()).next = next };
    poison::poison(block.cast(), size_of::<FreeBlock>());
}

/// The address of the `next_chain` word of the block at `head`.
///
/// # Safety
///
/// - `head` must be a block of a live slab, at least a [`ChainHead`] long.
unsafe fn next_chain_word(head: NonNull<FreeBlock>) -> NonNull<Option<NonNull<FreeBlock>>> {
    let head = head.cast::<ChainHead>();
    // SAFETY: the field lies inside the block (caller's contract), so its address is in
    // bounds and not null.
    unsafe { NonNull::new_unchecked(&raw mut (*head.as_ptr()).next_chain) }
}

/// Reads the link to the next batch of the batch whose first block is `head`.
///
/// # Safety
///
/// - `head` must be the first block of a batch on a [`FreeLists`] stack.
unsafe fn next_chain(head: NonNull<FreeBlock>) -> Option<NonNull<FreeBlock>> {
    // SAFETY: a batch's first block is a pool block, at least a `ChainHead` long.
    let word = unsafe { next_chain_word(head) };
    poison::unpoison(word.cast(), size_of::<Option<NonNull<FreeBlock>>>());
    // SAFETY: a batch's first block is a `ChainHead` whose second word was written when
    // the batch was pushed (caller's contract).
    let next = unsafe { word.read() };
    poison::poison(word.cast(), size_of::<Option<NonNull<FreeBlock>>>());
    next
}

/// Writes the link to the next batch into `head`, the first block of a batch.
///
/// # Safety
///
/// - as [`set_next`].
unsafe fn set_next_chain(head: NonNull<FreeBlock>, next: Option<NonNull<FreeBlock>>) {
    // SAFETY: the caller's contract.
    let word = unsafe { next_chain_word(head) };
    poison::unpoison(word.cast(), size_of::<Option<NonNull<FreeBlock>>>());
    // SAFETY: the block is at least a `ChainHead`, writable and ours (caller's contract).
    unsafe { word.write(next) };
    poison::poison(word.cast(), size_of::<Option<NonNull<FreeBlock>>>());
}

/// The free blocks of a `SyncPool`'s shared side: a stack of whole batches and a loose
/// list. Only touched with the pool's lock held; `batch` is the pool's batch length,
/// passed to each method (it never changes).
///
/// Invariants:
/// 1. `chains` starts a stack of `chain_count` batches linked through their first blocks'
///    `next_chain`; each batch is a list of exactly `batch` blocks linked through `next`.
/// 2. `loose` starts a list of `loose_len < batch` blocks linked through `next`.
/// 3. The blocks on both are distinct carved blocks of the pool's live slabs, handed out
///    to no one and held by no handle. Under `cfg(asan)` they are poisoned whole (a link
///    word is unpoisoned only while it is read or written).
pub(super) struct FreeLists {
    chains: Option<NonNull<FreeBlock>>,
    chain_count: usize,
    loose: Option<NonNull<FreeBlock>>,
    loose_len: usize,
}

/// A batch of free blocks that a handle takes from the pool: a list off the free lists,
/// or a run of consecutive blocks just carved from a slab, which the handle links up
/// itself, outside the lock.
///
/// Invariant: the blocks are free blocks of the pool that belong to whoever holds the
/// `Batch` (on no list, handed out to no one); `List` is `len` blocks linked through
/// `next`, `Run` is `count` consecutive carved blocks from `start`.
pub(super) enum Batch {
    List { head: NonNull<FreeBlock>, len: usize },
    Run { start: NonNull<u8>, count: usize },
}

impl Batch {
    /// The batch as a list and its length, linking up a run (`count` writes).
    ///
    /// # Safety
    ///
    /// - `block_size` must be the size of the pool's blocks.
    pub(super) unsafe fn into_list(self, block_size: usize) -> (NonNull<FreeBlock>, usize) {
        match self {
            Batch::List { head, len } => (head, len),
            Batch::Run { start, count } => {
                for i in 0..count {
                    // SAFETY: `i < count` blocks of `block_size` bytes follow `start` in one
                    // slab (the type's invariant and the caller's size).
                    let block = unsafe { start.add(i * block_size) }.cast::<FreeBlock>();
                    let next = if i + 1 < count {
                        // SAFETY: as above, for block `i + 1 < count`.
                        Some(unsafe { start.add((i + 1) * block_size) }.cast())
                    } else {
                        None
                    };
                    // SAFETY: the block is a carved block that only we hold.
                    unsafe { set_next(block, next) };
                }
                (start.cast(), count)
            }
        }
    }
}

impl FreeLists {
    /// No free blocks.
    pub(super) const fn new() -> Self {
        FreeLists { chains: None, chain_count: 0, loose: None, loose_len: 0 }
    }

    /// How many blocks the lists hold.
    pub(super) fn len(&self, batch: usize) -> usize {
        self.chain_count * batch + self.loose_len
    }

    /// Puts a block on the loose list; when that reaches `batch` blocks it goes on the
    /// stack as one batch.
    ///
    /// # Safety
    ///
    /// - `block` must be a carved block of the pool's live slabs (so at least a
    ///   [`ChainHead`] long and aligned for it) that its owner gives up: from now on no
    ///   one else uses or holds it.
    #[inline]
    pub(super) unsafe fn push(&mut self, block: NonNull<FreeBlock>, batch: usize) {
        // SAFETY: the block is the pool's and given up to us (caller's contract).
        unsafe { set_next(block, self.loose) };
        self.loose = Some(block);
        self.loose_len += 1;
        if self.loose_len == batch {
            self.loose = None;
            self.loose_len = 0;
            // SAFETY: the loose list was `batch` blocks, `block` first (invariant 2).
            unsafe { self.push_chain(block) };
        }
    }

    /// Takes a block: the loose list's first, or if it is empty, the first of a batch off
    /// the stack, whose other blocks become the loose list.
    #[inline]
    pub(super) fn pop(&mut self, batch: usize) -> Option<NonNull<FreeBlock>> {
        let head = match self.loose {
            Some(head) => head,
            None => {
                let head = self.pop_chain()?;
                self.loose_len = batch;
                head
            }
        };
        // SAFETY: a free block of a live slab holding its link (invariants 1 to 3).
        self.loose = unsafe { next_of(head) };
        self.loose_len -= 1;
        Some(head)
    }

    /// Takes a whole batch for a handle: one off the stack, or else the loose list.
    pub(super) fn take_batch(&mut self, batch: usize) -> Option<Batch> {
        if let Some(head) = self.pop_chain() {
            return Some(Batch::List { head, len: batch });
        }
        let head = self.loose.take()?;
        let len = core::mem::take(&mut self.loose_len);
        Some(Batch::List { head, len })
    }

    /// Pushes a batch of exactly `batch` blocks on the stack.
    ///
    /// # Safety
    ///
    /// - `head` must start a list of `batch` blocks, linked through `next`, each as
    ///   [`push`](Self::push) requires.
    pub(super) unsafe fn push_chain(&mut self, head: NonNull<FreeBlock>) {
        // SAFETY: the first block is the pool's, now ours (caller's contract).
        unsafe { set_next_chain(head, self.chains) };
        self.chains = Some(head);
        self.chain_count += 1;
    }

    /// Puts the blocks of a list of any length on the free lists, one by one (`len`
    /// steps).
    ///
    /// # Safety
    ///
    /// - `head` must start a list of exactly `len` blocks linked through `next`, each as
    ///   [`push`](Self::push) requires.
    pub(super) unsafe fn push_list(&mut self, head: Option<NonNull<FreeBlock>>, batch: usize) {
        let mut node = head;
        while let Some(block) = node {
            // SAFETY: a block of the list, holding its link (caller's contract); read
            // before `push` overwrites it.
            node = unsafe { next_of(block) };
            // SAFETY: the caller gives the block up.
            unsafe { self.push(block, batch) };
        }
    }

    /// Takes every block off the lists as one list, linked through `next`, and returns
    /// it with its length (walks every block).
    pub(super) fn take_all(&mut self, batch: usize) -> (Option<NonNull<FreeBlock>>, usize) {
        let len = self.len(batch);
        let mut all = self.loose.take();
        self.loose_len = 0;
        while let Some(head) = self.pop_chain() {
            let mut tail = head;
            // SAFETY: the blocks of a batch hold their links (invariant 1).
            while let Some(next) = unsafe { next_of(tail) } {
                tail = next;
            }
            // SAFETY: the batch's blocks are ours now; its last block gets a new link.
            unsafe { set_next(tail, all) };
            all = Some(head);
        }
        (all, len)
    }

    /// Takes the stack's top batch.
    fn pop_chain(&mut self) -> Option<NonNull<FreeBlock>> {
        let head = self.chains?;
        // SAFETY: the first block of a batch on the stack (invariant 1).
        self.chains = unsafe { next_chain(head) };
        self.chain_count -= 1;
        Some(head)
    }

    /// Walks every block, checking the lengths the invariants give, and calls `each` on
    /// every block; panics if a length is wrong. For `check_invariants`.
    pub(super) fn check(&self, batch: usize, mut each: impl FnMut(NonNull<u8>)) {
        let mut walk = |head: Option<NonNull<FreeBlock>>| {
            let (mut node, mut len) = (head, 0usize);
            while let Some(block) = node {
                each(block.cast());
                len += 1;
                // SAFETY: a block on the lists holds its link (invariants 1 and 2).
                node = unsafe { next_of(block) };
            }
            len
        };
        assert!(self.loose_len < batch, "the loose list is a whole batch");
        assert_eq!(walk(self.loose), self.loose_len, "loose list length");
        let (mut chain, mut chains) = (self.chains, 0);
        while let Some(head) = chain {
            assert_eq!(walk(Some(head)), batch, "a batch on the stack is not `batch` long");
            chains += 1;
            // SAFETY: a batch on the stack (invariant 1).
            chain = unsafe { next_chain(head) };
        }
        assert_eq!(chains, self.chain_count, "batch count");
    }
}
