//! [`Tracing`]: forwards every call to an inner allocator and reports it to a sink, as it
//! happens.
//!
//! ```text
//!   Vec::push ──► Tracing ──► inner.grow(0x5610, 32 B → 64 B) ──► Ok(0x5610)
//!                    │
//!                    └──► sink.record(&Event { call: Grow, old: 32 B @ 0x5610,
//!                                             layout: 64 B, result: Some(0x5610) })
//!                         prints: "grow                  32 B ->     64 B  align 8  in place"
//! ```
//!
//! The event is recorded *after* the inner allocator answered, so it carries the
//! outcome: where the block is now, whether a resize stayed in place (the new address is
//! the old one) or moved (its contents were copied), or that the request was refused.
//!
//! # Never allocating
//!
//! A tracing allocator can be the `#[global_allocator]`, where an allocation inside a
//! trace would call the tracer again, forever. So nothing here allocates: an [`Event`] is
//! a few words on the stack, its [`Display`](fmt::Display) writes with `core::fmt` (which
//! needs no heap for integers, pointers and fixed strings), and the [`Stderr`] sink
//! formats each line into a fixed buffer on the stack before one `write` to standard
//! error. A sink of your own must keep the same rule when the tracer is global.

use core::alloc::GlobalAlloc;
use core::fmt;
use core::ptr::NonNull;

use crate::alloc::{Allocator, Layout};
use crate::alloc::{AllocatorCore, impl_allocator};

/// Which allocator method an [`Event`] reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Call {
    /// `allocate` (or `GlobalAlloc::alloc`).
    Allocate,
    /// `allocate_zeroed` (or `GlobalAlloc::alloc_zeroed`).
    AllocateZeroed,
    /// `grow` (or a `GlobalAlloc::realloc` to a larger size).
    Grow,
    /// `grow_zeroed`.
    GrowZeroed,
    /// `shrink` (or a `GlobalAlloc::realloc` to a smaller or equal size).
    Shrink,
    /// `deallocate` (or `GlobalAlloc::dealloc`).
    Deallocate,
}

impl Call {
    /// The method's name, as the trace prints it.
    pub const fn name(self) -> &'static str {
        match self {
            Call::Allocate => "allocate",
            Call::AllocateZeroed => "allocate_zeroed",
            Call::Grow => "grow",
            Call::GrowZeroed => "grow_zeroed",
            Call::Shrink => "shrink",
            Call::Deallocate => "deallocate",
        }
    }
}

/// One call a [`Tracing`] allocator forwarded, and how it ended.
///
/// # Examples
///
/// ```
/// use allockit::alloc::Layout;
/// use allockit::wrappers::tracing::{Call, Event};
/// use core::ptr::NonNull;
///
/// let at = NonNull::<u64>::dangling().cast::<u8>();
/// let grow = Event {
///     call: Call::Grow,
///     old: Some((at, Layout::array::<u64>(4).unwrap())),
///     layout: Layout::array::<u64>(8).unwrap(),
///     result: Some(at),
/// };
/// assert!(grow.in_place() && !grow.failed());
/// assert_eq!(grow.bytes_copied(), 0);
/// assert_eq!(grow.to_string(), "grow                  32 B ->     64 B  align 8  in place");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Event {
    /// The method called.
    pub call: Call,
    /// For a resize or a free: the block's address and layout before the call.
    pub old: Option<(NonNull<u8>, Layout)>,
    /// For an allocation or a resize: the layout asked for. For a free: the freed layout.
    pub layout: Layout,
    /// Where the block is after the call: `Some` on success, `None` if the inner
    /// allocator refused (and always `None` for a free).
    pub result: Option<NonNull<u8>>,
}

impl Event {
    /// The inner allocator refused the request (never true of a free).
    pub fn failed(&self) -> bool {
        self.call != Call::Deallocate && self.result.is_none()
    }

    /// A successful resize that kept the block where it was.
    pub fn in_place(&self) -> bool {
        matches!((self.old, self.result), (Some((old, _)), Some(new)) if old == new)
            && self.call != Call::Deallocate
    }

    /// A successful resize that moved the block to a new address.
    pub fn moved(&self) -> bool {
        matches!((self.old, self.result), (Some((old, _)), Some(new)) if old != new)
            && self.call != Call::Deallocate
    }

    /// The bytes a moving resize had to carry over: the smaller of the old and new
    /// sizes. Zero for anything else.
    ///
    /// This is what the `Allocator` contract makes the inner allocator preserve, not a
    /// measurement: a heap may move a large block by remapping its pages (glibc's
    /// `realloc` uses `mremap` for blocks of 128 KiB and more) without copying a byte.
    pub fn bytes_copied(&self) -> usize {
        match self.old {
            Some((_, old)) if self.moved() => old.size().min(self.layout.size()),
            _ => 0,
        }
    }
}

/// One line, without a newline: the call, the sizes, the alignment, and for a resize
/// whether it stayed in place or moved; `FAILED` for a refused request.
impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:<15}", self.call.name())?;
        match self.old {
            Some((_, old)) if self.call != Call::Deallocate => {
                write!(f, " {:>8} B -> {:>6} B", old.size(), self.layout.size())?
            }
            _ => write!(f, " {:>8} B {:>11}", self.layout.size(), "")?,
        }
        write!(f, "  align {}", self.layout.align())?;
        if self.failed() {
            f.write_str("  FAILED")
        } else if self.in_place() {
            f.write_str("  in place")
        } else if self.moved() {
            write!(f, "  moved, {} B copied", self.bytes_copied())
        } else {
            Ok(())
        }
    }
}

/// Where a [`Tracing`] allocator sends its events.
///
/// Closures `Fn(&Event)` are sinks, and so is [`Stderr`] (with the `std` feature). A sink
/// runs inside the allocator call: it must not panic, and when the tracer is the
/// `#[global_allocator]` it must not allocate.
pub trait TraceSink {
    /// Called once per forwarded call, after the inner allocator answered.
    fn record(&self, event: &Event);
}

impl<F: Fn(&Event)> TraceSink for F {
    #[inline]
    fn record(&self, event: &Event) {
        self(event)
    }
}

/// A sink that writes each event as one line to standard error, prefixed with `prefix`,
/// without allocating: the line is formatted into a 160-byte buffer on the stack (a
/// longer line is cut) and written with one call; write errors are ignored.
#[cfg(feature = "std")]
#[derive(Clone, Copy, Debug, Default)]
pub struct Stderr {
    /// Written before each line (for instance `"[alloc] "`).
    pub prefix: &'static str,
}

#[cfg(feature = "std")]
impl TraceSink for Stderr {
    fn record(&self, event: &Event) {
        use std::io::Write as _;
        let mut line = LineBuffer { bytes: [0; 160], len: 0 };
        // A full buffer stops the formatting; what fits is written.
        let _ = fmt::write(&mut line, format_args!("{}{event}\n", self.prefix));
        let _ = std::io::stderr().write_all(&line.bytes[..line.len]);
    }
}

/// A fixed buffer that `core::fmt` writes into, keeping what fits.
#[cfg(feature = "std")]
struct LineBuffer {
    bytes: [u8; 160],
    len: usize,
}

#[cfg(feature = "std")]
impl fmt::Write for LineBuffer {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let room = self.bytes.len() - self.len;
        let take = s.len().min(room);
        self.bytes[self.len..self.len + take].copy_from_slice(&s.as_bytes()[..take]);
        self.len += take;
        if take < s.len() { Err(fmt::Error) } else { Ok(()) }
    }
}

/// An allocator that forwards every call to an inner allocator `A` and reports it to a
/// sink `S`: what was asked, and how it ended (where the block is, whether a resize stayed
/// in place or moved and copied, or that the request failed).
///
/// `Tracing<A, S>` is an `Allocator` when `A` is one and a [`GlobalAlloc`] when `A` is
/// one, so it can watch one collection or, as the `#[global_allocator]`, the whole
/// program. `&Tracing<A, S>` is an allocator too, to share one tracer. Pair it with
/// [`Counting`](super::Counting) for totals: `Tracing<Counting<Global>, _>` traces and
/// counts.
///
/// # Invariants
///
/// - **Forwarding.** Every block it hands out was handed out by `inner` for the same
///   request, and every block given back is passed to `inner` unchanged, so
///   `Tracing<A, S>` meets each allocator contract exactly when `A` does.
/// - **Recording.** The sink is called once per forwarded call, after `inner` answered;
///   the tracer itself never allocates (see the [module docs](self)).
///
/// # Examples
///
/// ```
/// use std::cell::RefCell;
/// use allockit::Vec;
/// use allockit::alloc::Global;
/// use allockit::wrappers::tracing::{Call, Event, Tracing};
///
/// let seen = RefCell::new(std::vec::Vec::new());
/// let tracer = Tracing::with_sink(Global, |event: &Event| seen.borrow_mut().push(*event));
///
/// let mut v: Vec<u64, _> = Vec::new_in(&tracer);
/// for i in 0..5 {
///     v.push(i); // capacity 4, then 8: an allocation and a grow
/// }
/// drop(v);
///
/// let calls: std::vec::Vec<Call> = seen.borrow().iter().map(|e| e.call).collect();
/// assert_eq!(calls, [Call::Allocate, Call::Grow, Call::Deallocate]);
/// assert_eq!(seen.borrow()[1].to_string().split_whitespace().take(5).collect::<std::vec::Vec<_>>(),
///            ["grow", "32", "B", "->", "64"]);
/// ```
///
/// Printing every call to standard error (the `std` feature's [`Stderr`] sink):
///
/// ```
/// use allockit::{Box, alloc::Global};
/// use allockit::wrappers::tracing::{Stderr, Tracing};
///
/// let tracer = Tracing::with_sink(Global, Stderr { prefix: "[trace] " });
/// let b = Box::new_in([0u8; 100], &tracer); // [trace] allocate   100 B   align 1
/// drop(b);                                  // [trace] deallocate 100 B   align 1
/// ```
pub struct Tracing<A, S> {
    /// Where the memory comes from.
    inner: A,
    /// Where the events go.
    sink: S,
}

impl<A, S> Tracing<A, S> {
    /// A tracer over `inner` that reports to `sink`. `const`, so a tracer can be a
    /// `static` `#[global_allocator]` (with a sink that is a `const` value, such as
    /// [`Stderr`]).
    pub const fn with_sink(inner: A, sink: S) -> Self {
        Tracing { inner, sink }
    }

    /// The inner allocator.
    pub fn inner(&self) -> &A {
        &self.inner
    }

    /// The sink.
    pub fn sink(&self) -> &S {
        &self.sink
    }

    /// The inner allocator and the sink, giving up the tracer.
    pub fn into_parts(self) -> (A, S) {
        (self.inner, self.sink)
    }
}

#[cfg(feature = "std")]
impl<A> Tracing<A, Stderr> {
    /// A tracer over `inner` that prints every call to standard error ([`Stderr`], no
    /// prefix).
    ///
    /// ```
    /// use allockit::{Vec, alloc::Global, wrappers::Tracing};
    ///
    /// let tracer = Tracing::new(Global);
    /// let mut v: Vec<u8, _> = Vec::new_in(&tracer);
    /// v.push(1); // allocate         8 B              align 1
    /// ```
    pub const fn new(inner: A) -> Self {
        Tracing::with_sink(inner, Stderr { prefix: "" })
    }
}

impl<A: fmt::Debug, S> fmt::Debug for Tracing<A, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tracing").field("inner", &self.inner).finish_non_exhaustive()
    }
}

impl<A, S: TraceSink> Tracing<A, S> {
    #[inline]
    fn record(
        &self,
        call: Call,
        old: Option<(NonNull<u8>, Layout)>,
        layout: Layout,
        result: Option<NonNull<u8>>,
    ) {
        self.sink.record(&Event { call, old, layout, result });
    }

    /// Records an allocation or resize that returned `block` (or failed).
    #[inline]
    fn answered(
        &self,
        call: Call,
        old: Option<(NonNull<u8>, Layout)>,
        layout: Layout,
        block: Option<NonNull<[u8]>>,
    ) -> Option<NonNull<[u8]>> {
        self.record(call, old, layout, block.map(NonNull::cast));
        block
    }
}

// SAFETY: every method forwards to the same method of `inner` with the caller's arguments
// and returns its answer unchanged (invariant "Forwarding"); recording only reads them.
unsafe impl<A: Allocator, S: TraceSink> AllocatorCore for Tracing<A, S> {
    #[inline]
    fn raw_allocate(&self, layout: Layout) -> Option<NonNull<[u8]>> {
        let block = self.inner.allocate(layout).ok();
        self.answered(Call::Allocate, None, layout, block)
    }

    #[inline]
    fn raw_allocate_zeroed(&self, layout: Layout) -> Option<NonNull<[u8]>> {
        let block = self.inner.allocate_zeroed(layout).ok();
        self.answered(Call::AllocateZeroed, None, layout, block)
    }

    #[inline]
    unsafe fn raw_deallocate(&self, ptr: NonNull<u8>, layout: Layout) {
        // SAFETY: `ptr` is a block of ours and so of `inner` (invariant "Forwarding"), and
        // `layout` fits it (the caller's contract).
        unsafe { self.inner.deallocate(ptr, layout) };
        self.record(Call::Deallocate, Some((ptr, layout)), layout, None);
    }

    #[inline]
    unsafe fn raw_grow(&self, ptr: NonNull<u8>, old: Layout, new: Layout) -> Option<NonNull<[u8]>> {
        // SAFETY: `ptr` is a block of `inner` (invariant "Forwarding"), `old` fits it and
        // `new.size() >= old.size()` (the caller's contract).
        let block = unsafe { self.inner.grow(ptr, old, new) }.ok();
        self.answered(Call::Grow, Some((ptr, old)), new, block)
    }

    #[inline]
    unsafe fn raw_grow_zeroed(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Option<NonNull<[u8]>> {
        // SAFETY: as in `raw_grow`.
        let block = unsafe { self.inner.grow_zeroed(ptr, old, new) }.ok();
        self.answered(Call::GrowZeroed, Some((ptr, old)), new, block)
    }

    #[inline]
    unsafe fn raw_shrink(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Option<NonNull<[u8]>> {
        // SAFETY: `ptr` is a block of `inner` (invariant "Forwarding"), `old` fits it and
        // `new.size() <= old.size()` (the caller's contract).
        let block = unsafe { self.inner.shrink(ptr, old, new) }.ok();
        self.answered(Call::Shrink, Some((ptr, old)), new, block)
    }
}

impl_allocator!([A: Allocator, S: TraceSink] Tracing<A, S>);

// SAFETY: every method forwards to the same method of `inner` with the caller's arguments
// unchanged (invariant "Forwarding"), so `inner`'s `GlobalAlloc` contract is ours; the
// recording reads the arguments and the answer and never allocates.
unsafe impl<A: GlobalAlloc, S: TraceSink> GlobalAlloc for Tracing<A, S> {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's `alloc` contract (a non-zero size), passed on.
        let ptr = unsafe { self.inner.alloc(layout) };
        self.record(Call::Allocate, None, layout, NonNull::new(ptr));
        ptr
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's `alloc_zeroed` contract (a non-zero size), passed on.
        let ptr = unsafe { self.inner.alloc_zeroed(layout) };
        self.record(Call::AllocateZeroed, None, layout, NonNull::new(ptr));
        ptr
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's `dealloc` contract: `ptr` was allocated by us, so by
        // `inner` (invariant "Forwarding"), with `layout`.
        unsafe { self.inner.dealloc(ptr, layout) };
        let old = NonNull::new(ptr).map(|ptr| (ptr, layout));
        self.record(Call::Deallocate, old, layout, None);
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller's `realloc` contract: `ptr` is a block of ours, so of `inner`
        // (invariant "Forwarding"), allocated with `layout`; `new_size` is non-zero and
        // valid for `layout.align()`.
        let moved = unsafe { self.inner.realloc(ptr, layout, new_size) };
        let call = if new_size > layout.size() { Call::Grow } else { Call::Shrink };
        // `new_size` rounded up to the alignment does not overflow (the caller's contract).
        let new = Layout::from_size_align(new_size, layout.align()).unwrap_or(layout);
        let old = NonNull::new(ptr).map(|ptr| (ptr, layout));
        self.record(call, old, new, NonNull::new(moved));
        moved
    }
}
