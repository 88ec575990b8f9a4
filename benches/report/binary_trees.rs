//! STUB: replaced by the binary-trees workload.

/// One way of allocating the trees' nodes.
pub struct Variant {
    /// Short name (`"glibc"`, `"bump"`...).
    pub name: &'static str,
    /// One line: what allocates the nodes.
    pub about: &'static str,
    /// Ours (the target rows compare it) or a peer.
    pub ours: bool,
    /// Runs the whole benchmark at `depth`.
    pub run: fn(depth: u32) -> Outcome,
}

/// What a run computed: equal for every variant at the same depth.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The sum of every check the benchmark prints.
    pub checksum: u64,
    /// Nodes allocated.
    pub nodes: u64,
}

/// Every variant, in the order the report prints them.
pub fn variants() -> Vec<Variant> {
    vec![Variant {
        name: "glibc",
        about: "stub",
        ours: false,
        run: |_| Outcome { checksum: 0, nodes: 1 },
    }]
}
