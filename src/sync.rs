//! The synchronisation the thread-safe allocators ([`Arena`](crate::Arena) and
//! [`SyncPool`](crate::SyncPool)) are built on: atomics (loom's under `cfg(loom)`, so the
//! model checker can explore every interleaving of the real code), a small spin lock, and
//! [`SpinMutex`], the lock with the data it guards.

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
/// It is held only for short, bounded work (the arena installs a chunk or reads its
/// statistics, the pool moves a block or a batch of blocks, or either asks its parent
/// allocator for memory), never while the caller's own code runs, so waiting is short. A
/// waiter spins with [`spin_loop`](core::hint::spin_loop) for a while, then yields its
/// time slice to the scheduler when `std` is available, so a thread preempted inside the lock does not keep
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

/// A [`SpinLock`] and the value it guards, for state that is only ever touched by the
/// lock holder (or through `&mut self`).
///
/// Under `cfg(loom)` the value sits in loom's `UnsafeCell`, which records every access
/// while a guard lives: two guards whose accesses are not ordered by the lock (a broken
/// lock, a missing Acquire) fail the model with a causality violation, even when the
/// interleaving happens to give the right answer.
///
/// Invariant: `value` is only accessed through a [`SpinMutexGuard`] (which exists only
/// while `lock` is held) or through `&mut self`.
pub(crate) struct SpinMutex<T> {
    lock: SpinLock,
    #[cfg(not(loom))]
    value: core::cell::UnsafeCell<T>,
    #[cfg(loom)]
    value: loom::cell::UnsafeCell<T>,
}

// SAFETY: the value moves with the mutex, so it must be `Send`.
unsafe impl<T: Send> Send for SpinMutex<T> {}

// SAFETY: the lock lets one thread at a time reach the value (the invariant), which is
// exactly what `Send` allows, as for `std::sync::Mutex`.
unsafe impl<T: Send> Sync for SpinMutex<T> {}

impl<T> SpinMutex<T> {
    const_unless_loom! {
        /// An unlocked mutex holding `value`.
        pub(crate) fn new(value: T) -> Self {
            SpinMutex {
                lock: SpinLock::new(),
                #[cfg(not(loom))]
                value: core::cell::UnsafeCell::new(value),
                #[cfg(loom)]
                value: loom::cell::UnsafeCell::new(value),
            }
        }
    }

    /// Waits for the lock, then gives access to the value until the guard is dropped.
    #[inline]
    pub(crate) fn lock(&self) -> SpinMutexGuard<'_, T> {
        let held = self.lock.lock();
        SpinMutexGuard {
            // SAFETY: the lock is held from here until the guard (which unlocks last) is
            // dropped, so this is the only access to the value (the invariant).
            #[cfg(not(loom))]
            value: unsafe { &mut *self.value.get() },
            #[cfg(loom)]
            value: self.value.get_mut(),
            _held: held,
        }
    }

    /// The value, through exclusive access to the mutex (no locking needed).
    pub(crate) fn get_mut(&mut self) -> &mut T {
        #[cfg(not(loom))]
        {
            self.value.get_mut()
        }
        #[cfg(loom)]
        {
            // SAFETY: `&mut self` excludes every guard and every other access.
            self.value.with_mut(|value| unsafe { &mut *value })
        }
    }
}

/// Access to a [`SpinMutex`]'s value while its lock is held; unlocks when dropped.
///
/// Invariant: the mutex's lock is held (by `_held`) for as long as `value` is.
pub(crate) struct SpinMutexGuard<'l, T> {
    /// The value. Declared first, so it is dropped (ending loom's record of the access)
    /// before `_held` unlocks.
    #[cfg(not(loom))]
    value: &'l mut T,
    #[cfg(loom)]
    value: loom::cell::MutPtr<T>,
    _held: SpinGuard<'l>,
}

impl<T> core::ops::Deref for SpinMutexGuard<'_, T> {
    type Target = T;

    #[inline]
    fn deref(&self) -> &T {
        #[cfg(not(loom))]
        {
            self.value
        }
        #[cfg(loom)]
        {
            // SAFETY: the lock is held while the guard lives (the type's invariant).
            unsafe { self.value.deref() }
        }
    }
}

impl<T> core::ops::DerefMut for SpinMutexGuard<'_, T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut T {
        #[cfg(not(loom))]
        {
            self.value
        }
        #[cfg(loom)]
        {
            // SAFETY: as in `deref`; `&mut self` makes this the guard's only borrow.
            unsafe { self.value.deref() }
        }
    }
}
