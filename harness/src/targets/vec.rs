//! The `vec` fuzz target: [`vec_model`]'s differential driver on a decoded [`Case`], with
//! the element type and the allocator (see [`alloc_choice`]) decoded from the input too,
//! and fault injection in every `try_` call.
//!
//! With [`AllocChoice::Shared`] the elements are `Tracked` whatever the input says.
//!
//! Input layout (`arbitrary`): an [`AllocChoice`], an [`ElemChoice`], then the case (an
//! initial capacity and up to [`MAX_DECODED_OPS`](vec_model::MAX_DECODED_OPS) ops, read
//! until the input ends).

use std::marker::PhantomData;

use allockit::alloc::Allocator;
use arbitrary::{Arbitrary, Unstructured};

use super::alloc_choice::{self, AllocChoice, Env, Job};
use crate::drop_counter::{Tracked, TrackedZst};
use crate::test_alloc::{SharedAlloc, TestAlloc};
use crate::vec_model::{self, Aligned, Big, Buffer, Case, Elem};

/// The element type of a run.
#[derive(Clone, Copy, Debug, Arbitrary)]
pub enum ElemChoice {
    U8,
    U64,
    Unit,
    String,
    Tracked,
    TrackedZst,
    Big,
    Aligned,
}

/// A decoded input.
#[derive(Clone, Debug, Arbitrary)]
pub struct Input {
    pub alloc: AllocChoice,
    pub elem: ElemChoice,
    pub case: Case,
}

/// Runs one input.
pub fn run(data: &[u8]) {
    let Ok(input) = Input::arbitrary(&mut Unstructured::new(data)) else { return };
    let ops = run_input(&input);
    super::count_operations(ops as u64);
}

/// Runs a decoded input; returns how many ops ran.
pub fn run_input(input: &Input) -> usize {
    let case = &input.case;
    let a = input.alloc;
    match input.elem {
        ElemChoice::U8 => alloc_choice::run_in(a, VecJob::<u8>::new(case)),
        ElemChoice::U64 => alloc_choice::run_in(a, VecJob::<u64>::new(case)),
        ElemChoice::Unit => alloc_choice::run_in(a, VecJob::<()>::new(case)),
        ElemChoice::String => alloc_choice::run_in(a, VecJob::<String>::new(case)),
        ElemChoice::Tracked => alloc_choice::run_in(a, VecJob::<Tracked>::new(case)),
        ElemChoice::TrackedZst => alloc_choice::run_in(a, VecJob::<TrackedZst>::new(case)),
        ElemChoice::Big => alloc_choice::run_in(a, VecJob::<Big>::new(case)),
        ElemChoice::Aligned => alloc_choice::run_in(a, VecJob::<Aligned>::new(case)),
    }
}

struct VecJob<'c, T> {
    case: &'c Case,
    elem: PhantomData<T>,
}

impl<'c, T> VecJob<'c, T> {
    fn new(case: &'c Case) -> Self {
        VecJob { case, elem: PhantomData }
    }
}

impl<T: Elem> Job for VecJob<'_, T> {
    fn run<A: Allocator + Clone>(self, alloc: A, env: &Env<'_>) -> usize {
        let probe = |buf: Buffer| {
            if let Some(live) = env.live {
                owns_only(live, buf);
            }
            (env.check)();
        };
        let ops = vec_model::run_with_faults::<T, A>(alloc, self.case, &probe, env.faults);
        if let Some(live) = env.live
            && size_of::<T>() == 0
        {
            let stats = live.stats();
            assert_eq!(stats.calls(), 0, "a vector of a zero-sized type called its allocator");
        }
        ops
    }

    /// The allocator held by value only with `Tracked` elements: what it checks (every
    /// copy of the handle dropped) does not depend on the element type, and one copy of
    /// the driver is less for the fuzzer to cover.
    fn run_shared(self, alloc: SharedAlloc, env: &Env<'_>) -> usize {
        VecJob::<Tracked>::new(self.case).run(alloc, env)
    }
}

/// Checks that ours owns exactly one live block, with the layout of its capacity, or none.
fn owns_only(alloc: &TestAlloc, buf: Buffer) {
    match buf.layout {
        None => assert_eq!(alloc.live_bytes(), 0, "nothing should be allocated: {buf:?}"),
        Some(layout) => {
            assert_eq!(
                alloc.layout_of(buf.ptr),
                Some(layout),
                "the buffer is not live as {layout:?}"
            );
            assert_eq!(alloc.live_bytes(), layout.size(), "other blocks are live");
        }
    }
}
