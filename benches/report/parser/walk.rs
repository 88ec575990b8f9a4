//! The walk that checks a parse: a hash of every value, key and the tree's shape.

use super::{Build, Value};

/// FNV-1a, fed 64-bit words instead of bytes (8 times fewer multiplications: the walk
/// should cost little beside the parse it checks).
pub(super) struct Fnv(u64);

impl Fnv {
    /// FNV-1a's offset basis.
    pub(super) fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    /// Mixes in one word.
    #[inline]
    fn word(&mut self, word: u64) {
        self.0 = (self.0 ^ word).wrapping_mul(0x0100_0000_01b3);
    }

    /// The length, then the bytes in little-endian words (the last one zero-padded).
    fn bytes(&mut self, bytes: &[u8]) {
        self.word(bytes.len() as u64);
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            self.word(u64::from_le_bytes(word.try_into().expect("8 bytes")));
        }
        let mut last = [0; 8];
        last[..words.remainder().len()].copy_from_slice(words.remainder());
        self.word(u64::from_le_bytes(last));
    }

    /// The hash of everything mixed in.
    pub(super) fn finish(&self) -> u64 {
        self.0
    }
}

/// Hashes `value` and everything under it, depth first, into `hash` (a tag per value,
/// so the tree's shape counts, then its contents), and returns the nodes visited.
pub(super) fn walk<B: Build>(value: &Value<B>, hash: &mut Fnv) -> u64 {
    match value {
        Value::Null => hash.word(1),
        Value::Bool(b) => hash.word(2 + u64::from(*b)),
        Value::Int(i) => {
            hash.word(4);
            hash.word(*i as u64);
        }
        Value::Float(f) => {
            hash.word(5);
            hash.word(f.to_bits());
        }
        Value::Str(s) => {
            hash.word(6);
            hash.bytes(s.as_bytes());
        }
        Value::Array(items) => {
            hash.word(7);
            hash.word(items.len() as u64);
            return 1 + items.iter().map(|item| walk(item, hash)).sum::<u64>();
        }
        Value::Object(members) => {
            hash.word(8);
            hash.word(members.len() as u64);
            let mut nodes = 1;
            for (key, value) in members.iter() {
                hash.bytes(key.as_bytes());
                nodes += walk(value, hash);
            }
            return nodes;
        }
    }
    1
}
