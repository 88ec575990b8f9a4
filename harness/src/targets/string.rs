//! The `string` fuzz target: [`string_model`]'s differential driver on a decoded case, over
//! a decoded allocator (see [`alloc_choice`]), with fault injection in every `try_` call.
//!
//! Input layout (`arbitrary`): an [`AllocChoice`], then the case
//! ([`arbitrary_case`](string_model::arbitrary_case): an initial capacity and text, and up to
//! [`MAX_DECODED_OPS`](string_model::MAX_DECODED_OPS) ops, read until the input ends).

use allockit::String as KString;
use allockit::alloc::{Allocator, Layout};
use arbitrary::{Arbitrary, Unstructured};

use super::alloc_choice::{self, AllocChoice, Env, Job};
use crate::string_model::{self, Op};

/// A decoded input: the allocator and a case as [`string_model::run`] takes it.
#[derive(Clone, Debug)]
pub struct Input {
    pub alloc: AllocChoice,
    pub case: (u8, String, Vec<Op>),
}

impl<'a> Arbitrary<'a> for Input {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(Input { alloc: u.arbitrary()?, case: string_model::arbitrary_case(u)? })
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
    alloc_choice::run_in(input.alloc, StringJob(&input.case))
}

struct StringJob<'c>(&'c (u8, String, Vec<Op>));

impl Job for StringJob<'_> {
    fn run<A: Allocator + Clone>(self, alloc: A, env: &Env<'_>) -> usize {
        let probe = |s: &KString<A>| {
            if let Some(live) = env.live {
                // Ours owns exactly one block, of exactly `capacity` bytes, or none.
                if s.capacity() == 0 {
                    assert_eq!(live.stats().live_blocks, 0, "nothing should be allocated");
                } else {
                    assert_eq!(live.stats().live_blocks, 1, "one live block");
                    let layout = Layout::array::<u8>(s.capacity()).expect("a valid capacity");
                    assert_eq!(live.layout_of(s.as_ptr()), Some(layout), "the buffer's block");
                }
            }
            (env.check)();
        };
        string_model::run_with_faults(alloc, self.0, &probe, env.faults)
    }
}
