//! `TestAlloc`: one allocator for tests that counts, fails on demand and checks every
//! block it hands out.
//!
//! It wraps [`Global`] and is used by shared reference (`Vec<T, &TestAlloc>`), so a test
//! keeps its own handle to read the counters while the collection holds another. All state
//! sits behind one `Mutex`, so it is `Send + Sync` and can be shared between threads.
//!
//! What it does, per request:
//!
//! | concern   | behaviour                                                                    |
//! |-----------|------------------------------------------------------------------------------|
//! | counting  | calls to each method, refused requests, live blocks and bytes, peak bytes    |
//! | failing   | a [`FailPlan`]: never, the `n`-th request, all after `n`, or at random       |
//! | checking  | `deallocate`/`grow`/`shrink` must get a live pointer with a layout that fits  |
//! | poisoning | fresh bytes are `0xA5`, bytes about to be freed are `0xDD`                   |
//! | moving    | `grow` and `shrink` always move the block, so stale pointers show up         |
//!
//! A *request* is any call that may hand out memory: `allocate`, `allocate_zeroed`,
//! `grow`, `grow_zeroed` and `shrink`. `deallocate` is never refused.
//!
//! A plan normally applies to every request. An allocator made with
//! [`TestAlloc::failing_when_armed`] applies it only inside [`TestAlloc::armed`], and
//! serves (and does not count) every other request. The differential drivers arm it around
//! the fallible calls (`try_reserve`, `try_push`, `Box::try_new_in`...) only: an infallible
//! call that is refused ends the process through `handle_alloc_error`, which no test can
//! observe, while a refused `try_` call must return `Err` and change nothing.
//!
//! A layout *fits* a live block (core's definition) when it has the block's alignment and
//! a size between the size last requested for it and the length of the slice returned.
//! With [`TestAlloc::with_slack`] the returned slice is longer than requested, which
//! checks that a collection keeps the capacity it asked for rather than the one it got.
//! Any violation panics at once with a message naming the call.
//!
//! [`SharedAlloc`] is an owning, non-`Copy` handle to one `TestAlloc`, for collections
//! that hold their allocator by value.

use std::collections::HashMap;
use std::ptr::NonNull;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use allockit::alloc::{AllocError, Allocator, Global, Layout};

/// Byte written over memory that was just handed out and is not zeroed.
pub const FRESH: u8 = 0xA5;
/// Byte written over memory just before it is freed.
pub const FREED: u8 = 0xDD;

/// Counters of a [`TestAlloc`]. Call counts include refused requests.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub allocate: u64,
    pub allocate_zeroed: u64,
    pub grow: u64,
    pub grow_zeroed: u64,
    pub shrink: u64,
    pub deallocate: u64,
    /// Requests refused by the [`FailPlan`].
    pub failed: u64,
    /// Requests for zero bytes (the collections should never make one).
    pub zero_sized: u64,
    pub live_blocks: usize,
    pub live_bytes: usize,
    pub peak_bytes: usize,
}

impl Stats {
    /// All calls that could hand out memory.
    pub fn requests(&self) -> u64 {
        self.allocate + self.allocate_zeroed + self.grow + self.grow_zeroed + self.shrink
    }

    /// Every call, `deallocate` included.
    pub fn calls(&self) -> u64 {
        self.requests() + self.deallocate
    }
}

/// When a [`TestAlloc`] refuses requests. Requests are counted from the moment the plan is
/// set, starting at 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailPlan {
    /// Serve everything.
    Never,
    /// Refuse the `n`-th request only.
    Nth(u64),
    /// Serve `n` requests, then refuse every later one (`AllAfter(0)` refuses all).
    AllAfter(u64),
    /// Refuse each request with probability `1 / one_in` (`one_in` 0 or 1 refuses all),
    /// decided by a xorshift generator started from `seed`, so a run repeats exactly.
    Random { seed: u64, one_in: u32 },
}

/// A live block: the layout it was last requested with, and the length handed out.
#[derive(Clone, Copy, Debug)]
struct Block {
    layout: Layout,
    len: usize,
}

#[derive(Debug)]
struct State {
    stats: Stats,
    plan: FailPlan,
    seen: u64,
    /// The state of the [`FailPlan::Random`] generator.
    rng: u64,
    /// Whether the plan applies only inside [`TestAlloc::armed`].
    armed_only: bool,
    /// How many [`TestAlloc::armed`] calls are running (they nest).
    armed: u32,
    live: HashMap<usize, Block>,
}

/// The test allocator; see the [module docs](self).
#[derive(Debug)]
pub struct TestAlloc {
    slack: usize,
    state: Mutex<State>,
}

impl Default for TestAlloc {
    fn default() -> Self {
        Self::new()
    }
}

impl TestAlloc {
    /// An allocator that serves every request.
    pub fn new() -> Self {
        TestAlloc {
            slack: 0,
            state: Mutex::new(State {
                stats: Stats::default(),
                plan: FailPlan::Never,
                seen: 0,
                rng: 0,
                armed_only: false,
                armed: 0,
                live: HashMap::new(),
            }),
        }
    }

    /// An allocator that refuses requests according to `plan`.
    pub fn failing(plan: FailPlan) -> Self {
        let a = Self::new();
        a.set_plan(plan);
        a
    }

    /// An allocator that refuses requests according to `plan`, but only those made inside
    /// [`armed`](Self::armed); every other request is served and not counted.
    pub fn failing_when_armed(plan: FailPlan) -> Self {
        let a = Self::failing(plan);
        a.state().armed_only = true;
        a
    }

    /// Runs `f` with the failure plan armed (see [`failing_when_armed`](Self::failing_when_armed));
    /// for other allocators the plan is always armed and this only runs `f`. A panic in `f`
    /// disarms on the way out.
    pub fn armed<R>(&self, f: impl FnOnce() -> R) -> R {
        struct Disarm<'a>(&'a TestAlloc);
        impl Drop for Disarm<'_> {
            fn drop(&mut self) {
                self.0.state().armed -= 1;
            }
        }
        self.state().armed += 1;
        let _disarm = Disarm(self);
        f()
    }

    /// How many requests the plan has refused so far.
    pub fn refused(&self) -> u64 {
        self.state().stats.failed
    }

    /// An allocator whose blocks are `slack` bytes longer than requested.
    pub fn with_slack(slack: usize) -> Self {
        TestAlloc { slack, ..Self::new() }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A check that panicked while holding the lock leaves the state consistent.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Replaces the failure plan; requests are counted afresh from here.
    pub fn set_plan(&self, plan: FailPlan) {
        let mut s = self.state();
        s.plan = plan;
        s.seen = 0;
        if let FailPlan::Random { seed, .. } = plan {
            // Scrambled first (a multiply by an odd constant spreads every bit of the seed
            // over the high bits, which xorshift's first steps would otherwise barely mix:
            // small seeds all made the same first decisions); xorshift never leaves zero.
            s.rng = (seed ^ 0x9E37_79B9_7F4A_7C15).wrapping_mul(0xBF58_476D_1CE4_E5B9) | 1;
        }
    }

    /// Refuses the `n`-th request from now (1 = the next one), and only that one.
    pub fn fail_nth(&self, n: u64) {
        assert!(n >= 1, "requests are counted from 1");
        self.set_plan(FailPlan::Nth(n));
    }

    /// Refuses every request from now on.
    pub fn fail_all(&self) {
        self.set_plan(FailPlan::AllAfter(0));
    }

    /// Serves everything again.
    pub fn disarm(&self) {
        self.set_plan(FailPlan::Never);
    }

    /// A copy of the counters.
    pub fn stats(&self) -> Stats {
        self.state().stats
    }

    /// Bytes currently handed out (as requested, slack not included).
    pub fn live_bytes(&self) -> usize {
        self.state().stats.live_bytes
    }

    /// The layout `ptr` was last requested with, if it is a live block.
    pub fn layout_of(&self, ptr: *const u8) -> Option<Layout> {
        self.state().live.get(&(ptr as usize)).map(|b| b.layout)
    }

    /// Asserts that every block was freed.
    #[track_caller]
    pub fn assert_no_leaks(&self) {
        let s = self.state();
        assert!(s.live.is_empty(), "leaked blocks: {:?}", s.live);
        assert_eq!(s.stats.live_bytes, 0, "live bytes left: {:?}", s.stats);
        assert_eq!(s.stats.live_blocks, 0, "live blocks left: {:?}", s.stats);
    }

    /// Decides whether the next request is served, and counts it.
    fn admit(&self, count: impl FnOnce(&mut Stats), size: usize) -> Result<(), AllocError> {
        let mut s = self.state();
        count(&mut s.stats);
        if size == 0 {
            s.stats.zero_sized += 1;
        }
        if s.armed_only && s.armed == 0 {
            return Ok(());
        }
        s.seen += 1;
        let refuse = match s.plan {
            FailPlan::Never => false,
            FailPlan::Nth(n) => s.seen == n,
            FailPlan::AllAfter(n) => s.seen > n,
            FailPlan::Random { one_in, .. } => {
                // xorshift64 (Marsaglia): enough to spread failures, and reproducible.
                let mut x = s.rng;
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                s.rng = x;
                one_in <= 1 || x.is_multiple_of(u64::from(one_in))
            }
        };
        if refuse {
            s.stats.failed += 1;
            Err(AllocError)
        } else {
            Ok(())
        }
    }

    /// Gets a fresh block from `Global` and records it.
    fn fresh(&self, layout: Layout, zeroed: bool) -> Result<NonNull<[u8]>, AllocError> {
        if layout.size() == 0 {
            // Nothing to record: a zero-sized block is a dangling pointer.
            return Ok(NonNull::slice_from_raw_parts(dangling(layout.align()), 0));
        }
        let real = Layout::from_size_align(layout.size() + self.slack, layout.align())
            .map_err(|_| AllocError)?;
        let block = if zeroed { Global.allocate_zeroed(real)? } else { Global.allocate(real)? };
        let ptr = block.cast::<u8>();
        let len = block.len();
        if !zeroed {
            // SAFETY: `block` is `len` writable bytes that nobody else sees yet.
            unsafe { ptr.as_ptr().write_bytes(FRESH, len) };
        }
        let mut s = self.state();
        let previous = s.live.insert(ptr.as_ptr() as usize, Block { layout, len });
        assert!(previous.is_none(), "Global returned a live block twice: {ptr:?}");
        s.stats.live_blocks += 1;
        s.stats.live_bytes += layout.size();
        s.stats.peak_bytes = s.stats.peak_bytes.max(s.stats.live_bytes);
        Ok(NonNull::slice_from_raw_parts(ptr, len))
    }

    /// Checks that `ptr` is live and that `layout` fits it; panics otherwise.
    #[track_caller]
    fn check_fit(&self, what: &str, ptr: NonNull<u8>, layout: Layout) -> Block {
        let known = self.state().live.get(&(ptr.as_ptr() as usize)).copied();
        let Some(block) = known else {
            panic!("TestAlloc::{what}: {ptr:?} is not a live block (layout {layout:?})");
        };
        let fits = layout.align() == block.layout.align()
            && block.layout.size() <= layout.size()
            && layout.size() <= block.len;
        assert!(
            fits,
            "TestAlloc::{what}: layout {layout:?} does not fit the block at {ptr:?}, \
             last requested with {:?} (length {})",
            block.layout, block.len
        );
        block
    }

    /// Checks that `ptr` is live and `layout` fits it, and forgets the block.
    #[track_caller]
    fn take(&self, what: &str, ptr: NonNull<u8>, layout: Layout) -> Block {
        let block = self.check_fit(what, ptr, layout);
        let mut s = self.state();
        s.live.remove(&(ptr.as_ptr() as usize));
        s.stats.live_blocks -= 1;
        s.stats.live_bytes -= block.layout.size();
        block
    }

    /// Frees a block that [`take`](Self::take) already removed from the records.
    ///
    /// # Safety
    ///
    /// - `ptr` must be a block of this allocator described by `block`, no longer recorded.
    unsafe fn release(&self, ptr: NonNull<u8>, block: Block) {
        // SAFETY: the block is `block.len` bytes long and still allocated.
        unsafe { ptr.as_ptr().write_bytes(FREED, block.len) };
        let real = Layout::from_size_align(block.len, block.layout.align()).unwrap();
        // SAFETY: `fresh` got this block from `Global` with exactly `real`.
        unsafe { Global.deallocate(ptr, real) };
    }

    /// `grow`, `grow_zeroed` and `shrink`: checks, then moves the block.
    ///
    /// # Safety
    ///
    /// - the caller's contract for `grow`/`shrink` (checked here as far as possible).
    #[track_caller]
    unsafe fn resize(
        &self,
        what: &str,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
        zeroed: bool,
    ) -> Result<NonNull<[u8]>, AllocError> {
        let growing = what != "shrink";
        assert_eq!(
            old.align(),
            new.align(),
            "TestAlloc::{what}: the alignment changed from {old:?} to {new:?}"
        );
        if growing {
            assert!(new.size() >= old.size(), "TestAlloc::{what}: {new:?} is smaller than {old:?}");
        } else {
            assert!(new.size() <= old.size(), "TestAlloc::{what}: {new:?} is larger than {old:?}");
        }
        // A zero-sized "block" is only a dangling pointer; nothing is recorded for it.
        let recorded = old.size() != 0;
        if recorded {
            // Checked before deciding to fail, so a bad call is caught even when refused.
            self.check_fit(what, ptr, old);
        }
        let count = |st: &mut Stats| match (growing, zeroed) {
            (true, false) => st.grow += 1,
            (true, true) => st.grow_zeroed += 1,
            (false, _) => st.shrink += 1,
        };
        self.admit(count, new.size())?;
        let moved = self.fresh(new, zeroed)?;
        let keep = old.size().min(new.size());
        // SAFETY: both blocks are distinct and at least `keep` bytes long; the old one
        // holds `old.size()` bytes the caller cares about.
        unsafe { std::ptr::copy_nonoverlapping(ptr.as_ptr(), moved.cast::<u8>().as_ptr(), keep) };
        if recorded {
            let b = self.take(what, ptr, old);
            // SAFETY: `take` just removed this block from the records.
            unsafe { self.release(ptr, b) };
        }
        Ok(moved)
    }
}

fn dangling(align: usize) -> NonNull<u8> {
    NonNull::new(align as *mut u8).expect("alignment is never zero")
}

// SAFETY: every block comes from `Global` and stays valid until it is passed back to
// `deallocate`, `grow` or `shrink`; clones do not exist (the allocator is used by
// reference, and `&TestAlloc` copies all share this one state).
unsafe impl Allocator for TestAlloc {
    fn allocate(&self, layout: Layout) -> Result<NonNull<[u8]>, AllocError> {
        self.admit(|s| s.allocate += 1, layout.size())?;
        self.fresh(layout, false)
    }

    fn allocate_zeroed(&self, layout: Layout) -> Result<NonNull<[u8]>, AllocError> {
        self.admit(|s| s.allocate_zeroed += 1, layout.size())?;
        self.fresh(layout, true)
    }

    unsafe fn deallocate(&self, ptr: NonNull<u8>, layout: Layout) {
        self.state().stats.deallocate += 1;
        if layout.size() == 0 {
            assert!(
                self.layout_of(ptr.as_ptr()).is_none(),
                "TestAlloc::deallocate: a live block at {ptr:?} freed with zero size"
            );
            return;
        }
        let block = self.take("deallocate", ptr, layout);
        // SAFETY: `take` checked the block and removed it from the records.
        unsafe { self.release(ptr, block) };
    }

    unsafe fn grow(
        &self,
        ptr: NonNull<u8>,
        old_layout: Layout,
        new_layout: Layout,
    ) -> Result<NonNull<[u8]>, AllocError> {
        // SAFETY: forwards the caller's contract for `grow`.
        unsafe { self.resize("grow", ptr, old_layout, new_layout, false) }
    }

    unsafe fn grow_zeroed(
        &self,
        ptr: NonNull<u8>,
        old_layout: Layout,
        new_layout: Layout,
    ) -> Result<NonNull<[u8]>, AllocError> {
        // SAFETY: forwards the caller's contract for `grow_zeroed`.
        unsafe { self.resize("grow_zeroed", ptr, old_layout, new_layout, true) }
    }

    unsafe fn shrink(
        &self,
        ptr: NonNull<u8>,
        old_layout: Layout,
        new_layout: Layout,
    ) -> Result<NonNull<[u8]>, AllocError> {
        // SAFETY: forwards the caller's contract for `shrink`.
        unsafe { self.resize("shrink", ptr, old_layout, new_layout, false) }
    }
}

/// An owning handle to a shared [`TestAlloc`]: an allocator passed by value that is not
/// `Copy` and has a destructor, so a collection that loses, duplicates or forgets to drop
/// its allocator shows up in [`handles`](SharedAlloc::handles).
#[derive(Clone, Debug, Default)]
pub struct SharedAlloc(pub Arc<TestAlloc>);

impl SharedAlloc {
    /// A handle to a new `TestAlloc`.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many handles are alive (this one included).
    pub fn handles(&self) -> usize {
        Arc::strong_count(&self.0)
    }
}

// SAFETY: forwards every call to the shared `TestAlloc`, so all clones of a handle use the
// same allocator and a block may be freed through any of them.
unsafe impl Allocator for SharedAlloc {
    fn allocate(&self, layout: Layout) -> Result<NonNull<[u8]>, AllocError> {
        self.0.allocate(layout)
    }

    fn allocate_zeroed(&self, layout: Layout) -> Result<NonNull<[u8]>, AllocError> {
        self.0.allocate_zeroed(layout)
    }

    unsafe fn deallocate(&self, ptr: NonNull<u8>, layout: Layout) {
        // SAFETY: forwards the caller's contract.
        unsafe { self.0.deallocate(ptr, layout) }
    }

    unsafe fn grow(
        &self,
        ptr: NonNull<u8>,
        old_layout: Layout,
        new_layout: Layout,
    ) -> Result<NonNull<[u8]>, AllocError> {
        // SAFETY: forwards the caller's contract.
        unsafe { self.0.grow(ptr, old_layout, new_layout) }
    }

    unsafe fn grow_zeroed(
        &self,
        ptr: NonNull<u8>,
        old_layout: Layout,
        new_layout: Layout,
    ) -> Result<NonNull<[u8]>, AllocError> {
        // SAFETY: forwards the caller's contract.
        unsafe { self.0.grow_zeroed(ptr, old_layout, new_layout) }
    }

    unsafe fn shrink(
        &self,
        ptr: NonNull<u8>,
        old_layout: Layout,
        new_layout: Layout,
    ) -> Result<NonNull<[u8]>, AllocError> {
        // SAFETY: forwards the caller's contract.
        unsafe { self.0.shrink(ptr, old_layout, new_layout) }
    }
}
