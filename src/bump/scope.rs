//! Scopes: allocate temporarily, then give it all back at once.
//!
//! A scope records the bump position (a [`Mark`]) and rewinds to it at the end. That is
//! only sound if nothing allocated inside the scope is used after it, and nothing
//! allocated before it changes size inside it:
//!
//! ```text
//!   outer Vec buffer │ scope's blocks │       rewinding to the mark frees the scope's
//!   ─────────────────┼────────────────┤       blocks. If the outer Vec had grown in
//!                    ▲ mark           ▲ ptr   place past the mark, the rewind would free
//!                                             part of its buffer: a use-after-free.
//! ```
//!
//! Both rules come from the borrow checker here. [`Bump::scope_guard`] takes
//! `&mut Bump`, so no outer reference or collection (each of which borrows the bump) is
//! alive while the scope is; the guard then lends out `&Bump` through `Deref`, so every
//! allocation inside borrows the guard and must end before the guard drops and rewinds.
//! Nesting works the same way one level down: [`ScopeGuard::scope_guard`] takes
//! `&mut ScopeGuard`.

use core::marker::PhantomData;
use core::ops::Deref;

use super::Bump;
use super::lifecycle::Mark;
use crate::alloc::{Allocator, Global};

/// A scope of a [`Bump`]: everything allocated through it is given back when it is
/// dropped. It dereferences to `&Bump`, so it allocates like the bump itself.
///
/// Made by [`Bump::scope_guard`] (or, nested, [`ScopeGuard::scope_guard`]);
/// [`Bump::scope`] is the closure form.
///
/// # Invariants
///
/// `mark` is a position of `bump` taken when the guard was made, and for the guard's
/// whole life the guard is the only way to reach `bump`: it was made from a
/// `&mut Bump` or a `&mut ScopeGuard`, so no block allocated before the mark can be
/// resized or freed, and every block allocated after it borrows the guard.
///
/// # Examples
///
/// ```
/// use allockit::{Bump, Vec};
///
/// let mut bump = Bump::new();
/// let before = bump.stats().allocated;
/// {
///     let mut outer = bump.scope_guard();
///     let mut v: Vec<u32, &Bump> = Vec::new_in(&*outer);
///     v.extend(0..100);
///     assert_eq!(v.len(), 100);
///     drop(v);
///     {
///         let inner = outer.scope_guard(); // nesting: `outer` is borrowed mutably
///         inner.alloc_slice_copy(&[1u8; 64]);
///     } // the 64 bytes are given back here
/// } // and everything else here
/// assert_eq!(bump.stats().allocated, before);
/// ```
///
/// Nothing allocated in the scope can outlive the guard:
///
/// ```compile_fail,E0597
/// let mut bump = allockit::Bump::new();
/// let escaped = {
///     let scope = bump.scope_guard();
///     scope.alloc(5u32) // error: `scope` does not live long enough
/// };
/// assert_eq!(*escaped, 5);
/// ```
///
/// And nothing allocated before the scope can be used during it:
///
/// ```compile_fail,E0502
/// use allockit::{Bump, Vec};
///
/// let mut bump = Bump::new();
/// let mut outer: Vec<u8, &Bump> = Vec::new_in(&bump);
/// let scope = bump.scope_guard(); // error: `bump` is already borrowed by `outer`
/// outer.push(1);
/// drop(scope);
/// ```
pub struct ScopeGuard<'b, A: Allocator = Global> {
    bump: &'b Bump<A>,
    mark: Mark,
    /// The guard stands for the exclusive borrow it was made from.
    _exclusive: PhantomData<&'b mut Bump<A>>,
}

impl<A: Allocator> Bump<A> {
    /// Starts a scope: allocations through the returned guard are given back when it is
    /// dropped. See [`ScopeGuard`].
    ///
    /// # Examples
    ///
    /// ```
    /// let mut bump = allockit::Bump::new();
    /// let scope = bump.scope_guard();
    /// let tmp = scope.alloc_str("temporary");
    /// assert_eq!(tmp, "temporary");
    /// drop(scope);
    /// assert_eq!(bump.stats().allocated, 0);
    /// ```
    pub fn scope_guard(&mut self) -> ScopeGuard<'_, A> {
        ScopeGuard { mark: self.mark(), bump: self, _exclusive: PhantomData }
    }

    /// Runs `f` with this bump and gives back everything `f` allocated when it returns
    /// (or unwinds). The returned value cannot borrow from the scope.
    ///
    /// Taking `&mut self` is what makes this sound: no allocation from outside the scope
    /// can be used (grown, shrunk, freed) inside it. See [`ScopeGuard`] for the details
    /// and for nesting.
    ///
    /// # Examples
    ///
    /// ```
    /// use allockit::{Bump, String};
    ///
    /// let mut bump = Bump::new();
    /// let total = bump.scope(|b| {
    ///     let mut s = String::new_in(b);
    ///     for word in ["scopes", "give", "memory", "back"] {
    ///         s.push_str(word);
    ///     }
    ///     s.len() // a plain value may leave the scope...
    /// });
    /// assert_eq!(total, 20);
    /// assert_eq!(bump.stats().allocated, 0); // ...the string's bytes did not
    /// ```
    ///
    /// ```compile_fail
    /// let mut bump = allockit::Bump::new();
    /// let leaked: &u32 = bump.scope(|b| b.alloc(1u32)); // error: borrowed data escapes
    /// ```
    pub fn scope<R>(&mut self, f: impl FnOnce(&Bump<A>) -> R) -> R {
        let guard = self.scope_guard();
        f(&guard)
    }
}

impl<A: Allocator> ScopeGuard<'_, A> {
    /// Starts a nested scope, given back when the returned guard is dropped; this guard
    /// is borrowed mutably meanwhile.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut bump = allockit::Bump::new();
    /// let mut outer = bump.scope_guard();
    /// outer.alloc(1u64);
    /// let used = outer.stats().allocated;
    /// {
    ///     let inner = outer.scope_guard();
    ///     inner.alloc([0u64; 32]);
    ///     assert!(inner.stats().allocated > used);
    /// }
    /// assert_eq!(outer.stats().allocated, used);
    /// ```
    pub fn scope_guard(&mut self) -> ScopeGuard<'_, A> {
        ScopeGuard { mark: self.bump.mark(), bump: self.bump, _exclusive: PhantomData }
    }

    /// Runs `f` in a nested scope; see [`Bump::scope`].
    ///
    /// # Examples
    ///
    /// ```
    /// let mut bump = allockit::Bump::new();
    /// let mut outer = bump.scope_guard();
    /// let n = outer.scope(|b| b.alloc_slice_copy(&[1, 2, 3]).len());
    /// assert_eq!(n, 3);
    /// assert_eq!(outer.stats().allocated, 0);
    /// ```
    pub fn scope<R>(&mut self, f: impl FnOnce(&Bump<A>) -> R) -> R {
        let guard = self.scope_guard();
        f(&guard)
    }
}

impl<A: Allocator> Deref for ScopeGuard<'_, A> {
    type Target = Bump<A>;

    fn deref(&self) -> &Bump<A> {
        self.bump
    }
}

impl<A: Allocator> Drop for ScopeGuard<'_, A> {
    fn drop(&mut self) {
        // SAFETY: the mark is this bump's, and no reset can have happened since (the
        // bump is borrowed for the guard's life). Every block allocated since borrowed
        // the guard and is dead; no older block was touched (type invariant).
        unsafe { self.bump.rewind(self.mark) };
    }
}

impl<A: Allocator> core::fmt::Debug for ScopeGuard<'_, A> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ScopeGuard").field("bump", self.bump).finish_non_exhaustive()
    }
}
