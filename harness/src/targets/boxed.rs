//! The `boxed` fuzz target: [`box_model`]'s differential driver (`Box<String>`,
//! `Box<[u32]>`, `Box<str>` against std's) on decoded ops, over a decoded allocator (see
//! [`alloc_choice`]), with fault injection in every `try_` constructor.
//!
//! Input layout (`arbitrary`): an [`AllocChoice`], then up to
//! [`MAX_DECODED_OPS`](box_model::MAX_DECODED_OPS) ops, read until the input ends.

use allockit::alloc::Allocator;
use arbitrary::{Arbitrary, Unstructured};

use super::alloc_choice::{self, AllocChoice, Env, Job};
use crate::box_model::{self, Op};

/// A decoded input.
#[derive(Clone, Debug)]
pub struct Input {
    pub alloc: AllocChoice,
    pub ops: Vec<Op>,
}

impl<'a> Arbitrary<'a> for Input {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(Input { alloc: u.arbitrary()?, ops: box_model::arbitrary_ops(u)? })
    }
}

/// Runs one input.
pub fn run(data: &[u8]) {
    let Ok(input) = Input::arbitrary(&mut Unstructured::new(data)) else { return };
    let ops = run_input(&input);
    super::count_operations(ops as u64);
}

/// Runs a decoded input; returns how many ops ran.
pub fn run_input(input: &Input) -> usize {
    alloc_choice::run_in(input.alloc, BoxJob(&input.ops))
}

struct BoxJob<'o>(&'o [Op]);

impl Job for BoxJob<'_> {
    fn run<A: Allocator + Clone>(self, alloc: A, env: &Env<'_>) -> usize {
        box_model::run_with_faults(alloc, self.0, env.faults, env.live, env.check)
    }
}
