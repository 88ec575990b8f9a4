//! The synchronisation the thread-safe allocators are built on: atomics (loom's under
//! `cfg(loom)`, so the model checker can explore every interleaving of the real code) and
//! a small spin lock.

#[cfg(loom)]
pub(crate) use loom::sync::atomic::{AtomicBool, AtomicPtr, AtomicUsize, Ordering};

#[cfg(not(loom))]
pub(crate) use core::sync::atomic::{AtomicBool, AtomicPtr, AtomicUsize, Ordering};

/// Declares a function `const` except under `cfg(loom)`, whose atomics cannot be created
/// in a constant context.
macro_rules! const_unless_loom {
    ($(#[$attr:meta])* $vis:vis fn $($rest:tt)*) => {
        #[cfg(not(loom))]
        $(#[$attr])* $vis const fn $($rest)*
        #[cfg(loom)]
        $(#[$attr])* $vis fn $($rest)*
    };
}
pub(crate) use const_unless_loom;

/// A test-and-test-and-set spin lock without data: the data it guards lives beside it.
///
/// It is held only while the chunk list changes (a new chunk is installed, statistics are
/// read), never while user code runs, so waiting is short. A waiter spins with
/// [`spin_loop`](core::hint::spin_loop) for a while, then yields its time slice to the
/// scheduler when `std` is available, so a thread preempted inside the lock does not keep
/// the others burning their slices.
///
/// Invariant: `locked` is `true` exactly while one [`SpinGuard`] for this lock exists.
pub(crate) struct SpinLock {
    locked: AtomicBool,
}

impl SpinLock {
    const_unless_loom! {
        /// An unlocked lock.
        pub(crate) fn new() -> Self {
            SpinLock { locked: AtomicBool::new(false) }
        }
    }

    /// Waits until the lock is free, then takes it.
    #[inline]
    pub(crate) fn lock(&self) -> SpinGuard<'_> {
        loop {
            // Acquire: what the previous holder wrote under the lock is visible to us.
            if self
                .locked
                .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
            {
                return SpinGuard { lock: self };
            }
            let mut spins = 0u32;
            while self.locked.load(Ordering::Relaxed) {
                backoff(&mut spins);
            }
        }
    }
}

/// One round of waiting for a lock held by another thread.
#[inline]
fn backoff(spins: &mut u32) {
    #[cfg(loom)]
    {
        let _ = spins;
        loom::thread::yield_now();
    }
    #[cfg(not(loom))]
    {
        const SPINS_BEFORE_YIELD: u32 = 64;
        if *spins < SPINS_BEFORE_YIELD {
            *spins += 1;
            core::hint::spin_loop();
        } else {
            #[cfg(feature = "std")]
            std::thread::yield_now();
            #[cfg(not(feature = "std"))]
            core::hint::spin_loop();
        }
    }
}

/// Proof that a [`SpinLock`] is held; unlocks it when dropped.
pub(crate) struct SpinGuard<'l> {
    lock: &'l SpinLock,
}

impl Drop for SpinGuard<'_> {
    #[inline]
    fn drop(&mut self) {
        // Release: what we wrote under the lock is visible to the next holder.
        self.lock.locked.store(false, Ordering::Release);
    }
}
