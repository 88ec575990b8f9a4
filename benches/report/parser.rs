//! STUB: replaced by the parser workload.

/// A deterministic JSON-like document of about `bytes` bytes.
pub fn generate(bytes: usize) -> String {
    "x".repeat(bytes)
}

/// One way of building the AST.
pub struct Variant {
    /// Short name (`"bump"`, `"std"`).
    pub name: &'static str,
    /// One line: where the nodes and strings live.
    pub about: &'static str,
    /// Ours or a peer.
    pub ours: bool,
    /// Parses `document`, walks the AST and drops it.
    pub run: fn(document: &str) -> Summary,
}

/// What a parse computed: equal for every variant on the same document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Summary {
    /// A hash of the AST's contents.
    pub checksum: u64,
    /// AST nodes built.
    pub nodes: u64,
}

/// Every variant.
pub fn variants() -> Vec<Variant> {
    vec![Variant {
        name: "std",
        about: "stub",
        ours: false,
        run: |d| Summary { checksum: d.len() as u64, nodes: 1 },
    }]
}
