//! The AST, generic over where it lives: the [`Build`] trait and its three implementations.

use std::ops::Deref;
use std::vec::Drain;

use allockit::Bump;

/// How to allocate the AST: a node, a string, and the two kinds of child list.
///
/// The parser only ever builds through these four methods, and the walk only reads
/// through the `Deref`s, so one parser serves every allocator.
pub trait Build: Sized {
    /// A pointer to a value (`&'b Value` in a bump, `Box<Value>` on the heap).
    type Node: Deref<Target = Value<Self>>;
    /// An unescaped string: an object key or a string value.
    type Str: Deref<Target = str>;
    /// An array's elements.
    type Items: Deref<Target = [Self::Node]>;
    /// An object's members, in document order.
    type Members: Deref<Target = [(Self::Str, Self::Node)]>;

    /// Puts `value` somewhere and points at it.
    fn node(&self, value: Value<Self>) -> Self::Node;
    /// Copies `text` out of the document (or the unescaping buffer).
    fn string(&self, text: &str) -> Self::Str;
    /// The list of an array's elements, built at its final length.
    fn items(&self, items: Drain<'_, Self::Node>) -> Self::Items;
    /// The list of an object's members, built at its final length.
    fn members(&self, members: Drain<'_, (Self::Str, Self::Node)>) -> Self::Members;
}

/// A JSON value whose nodes, strings and lists are whatever `B` allocates.
pub enum Value<B: Build> {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number without fraction or exponent that fits an `i64`.
    Int(i64),
    /// Any other number.
    Float(f64),
    /// A string, unescaped.
    Str(B::Str),
    /// An array.
    Array(B::Items),
    /// An object; duplicate keys are kept, in order.
    Object(B::Members),
}

/// The AST in an allockit [`Bump`]: nodes by [`Bump::alloc`], strings by
/// [`Bump::alloc_str`], lists as `allockit::Vec<_, &Bump>`. Nothing in it is ever dropped
/// (`alloc` never drops); the memory goes back when the `Bump` is dropped.
pub(super) struct InBump<'b>(pub(super) &'b Bump);

impl<'b> Build for InBump<'b> {
    type Node = &'b Value<Self>;
    type Str = &'b str;
    type Items = allockit::Vec<&'b Value<Self>, &'b Bump>;
    type Members = allockit::Vec<(&'b str, &'b Value<Self>), &'b Bump>;

    #[inline]
    fn node(&self, value: Value<Self>) -> Self::Node {
        self.0.alloc(value)
    }

    #[inline]
    fn string(&self, text: &str) -> Self::Str {
        self.0.alloc_str(text)
    }

    #[inline]
    fn items(&self, items: Drain<'_, Self::Node>) -> Self::Items {
        let mut list = allockit::Vec::with_capacity_in(items.len(), self.0);
        list.extend(items);
        list
    }

    #[inline]
    fn members(&self, members: Drain<'_, (Self::Str, Self::Node)>) -> Self::Members {
        let mut list = allockit::Vec::with_capacity_in(members.len(), self.0);
        list.extend(members);
        list
    }
}

/// The AST on the global heap: `Box` nodes, `String` strings, `Vec` lists.
pub(super) struct OnHeap;

impl Build for OnHeap {
    type Node = Box<Value<Self>>;
    type Str = String;
    type Items = Vec<Box<Value<Self>>>;
    type Members = Vec<(String, Box<Value<Self>>)>;

    #[inline]
    fn node(&self, value: Value<Self>) -> Self::Node {
        Box::new(value)
    }

    #[inline]
    fn string(&self, text: &str) -> Self::Str {
        text.to_owned()
    }

    #[inline]
    fn items(&self, items: Drain<'_, Self::Node>) -> Self::Items {
        // `Drain` knows its length: one allocation of exactly that many.
        items.collect()
    }

    #[inline]
    fn members(&self, members: Drain<'_, (Self::Str, Self::Node)>) -> Self::Members {
        members.collect()
    }
}

/// The AST in a `bumpalo::Bump`, built as [`InBump`] builds it.
pub(super) struct InBumpalo<'b>(pub(super) &'b bumpalo::Bump);

impl<'b> Build for InBumpalo<'b> {
    type Node = &'b Value<Self>;
    type Str = &'b str;
    type Items = bumpalo::collections::Vec<'b, &'b Value<Self>>;
    type Members = bumpalo::collections::Vec<'b, (&'b str, &'b Value<Self>)>;

    #[inline]
    fn node(&self, value: Value<Self>) -> Self::Node {
        self.0.alloc(value)
    }

    #[inline]
    fn string(&self, text: &str) -> Self::Str {
        self.0.alloc_str(text)
    }

    #[inline]
    fn items(&self, items: Drain<'_, Self::Node>) -> Self::Items {
        let mut list = bumpalo::collections::Vec::with_capacity_in(items.len(), self.0);
        list.extend(items);
        list
    }

    #[inline]
    fn members(&self, members: Drain<'_, (Self::Str, Self::Node)>) -> Self::Members {
        let mut list = bumpalo::collections::Vec::with_capacity_in(members.len(), self.0);
        list.extend(members);
        list
    }
}
