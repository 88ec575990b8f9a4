//! The API around the methods: conversions, comparisons, the standard traits, and
//! `String<&TestAlloc>` as a hashbrown key.

use std::borrow::Cow;
use std::collections::hash_map::DefaultHasher;
use std::hash::{BuildHasher, Hash, Hasher};

use allockit::alloc::Global;
use allockit::string::{FromUtf8Error, FromUtf16Error};
use allockit::{String as KString, Vec as KVec};

use crate::common::panics::expect_panic;
use crate::common::test_alloc::TestAlloc;

fn hash_of<T: Hash + ?Sized>(t: &T) -> u64 {
    let mut h = DefaultHasher::new();
    t.hash(&mut h);
    h.finish()
}

#[test]
fn hashes_like_str() {
    for text in ["", "a", "grüße", "日本語"] {
        let alloc = TestAlloc::new();
        assert_eq!(hash_of(&KString::from_str_in(text, &alloc)), hash_of(text));
        assert_eq!(hash_of(&KString::from(text)), hash_of(&String::from(text)));
    }
}

/// The map's own allocator: the test allocator on stable, where hashbrown and allockit
/// share allocator-api2's trait; hashbrown's default otherwise (with `--features nightly`
/// allockit is on core's trait, which hashbrown only takes with its own `nightly`).
#[cfg(not(feature = "nightly"))]
type MapAlloc<'a> = &'a TestAlloc;
#[cfg(feature = "nightly")]
type MapAlloc<'a> = allocator_api2::alloc::Global;

#[test]
fn hashbrown_map_keyed_by_our_string_is_queried_by_str() {
    let alloc = TestAlloc::new();
    {
        #[cfg(not(feature = "nightly"))]
        let map_alloc: MapAlloc<'_> = &alloc;
        #[cfg(feature = "nightly")]
        let map_alloc: MapAlloc<'_> = allocator_api2::alloc::Global;
        let mut map: hashbrown::HashMap<
            KString<&TestAlloc>,
            u32,
            hashbrown::DefaultHashBuilder,
            MapAlloc<'_>,
        > = hashbrown::HashMap::with_hasher_in(hashbrown::DefaultHashBuilder::default(), map_alloc);
        for (i, word) in ["zero", "eins", "два", "三", "quatre"].into_iter().enumerate() {
            map.insert(KString::from_str_in(word, &alloc), i as u32);
        }
        assert_eq!(map.get("два"), Some(&2));
        assert_eq!(map.get("quatre"), Some(&4));
        assert_eq!(map.get("five"), None);
        *map.get_mut("eins").unwrap() += 10;
        assert_eq!(map.remove("eins"), Some(11));
        assert!(map.contains_key("三"));
        // The map's own hasher agrees with `str`'s hash for our keys.
        let key = KString::from_str_in("zero", &alloc);
        assert_eq!(map.hasher().hash_one(&key), map.hasher().hash_one("zero"));
        assert!(alloc.stats().live_blocks >= 5);
    }
    alloc.assert_no_leaks();
}

#[test]
fn conversions_with_std_string_keep_the_block() {
    let mut theirs = String::with_capacity(20);
    theirs.push_str("héllo");
    let ptr = theirs.as_ptr();
    let ours = KString::from(theirs);
    assert_eq!((ours.as_ptr(), ours.len(), ours.capacity()), (ptr, 6, 20));
    let back: String = ours.into();
    assert_eq!((back.as_ptr(), back.as_str(), back.capacity()), (ptr, "héllo", 20));
    let empty = KString::from(String::new());
    assert_eq!(empty.capacity(), 0);
    assert_eq!(String::from(empty), "");
}

#[test]
fn conversions() {
    assert_eq!(KString::from("a"), "a");
    assert_eq!(KString::from(&mut *String::from("b")), "b");
    assert_eq!(KString::from(&KString::from("c")), "c");
    assert_eq!(KString::from(&String::from("d")), "d");
    assert_eq!(KString::from('€'), "€");
    assert_eq!(KString::from(Cow::Borrowed("e")), "e");
    assert_eq!(KString::from(Cow::<str>::Owned("f".into())), "f");
    let v: KVec<u8> = KString::from("gh").into();
    assert_eq!(v, b"gh");
    assert_eq!("ij".parse::<KString>().unwrap(), "ij");
    assert_eq!(KString::from("k").to_string(), "k");
    let d: KString<Global> = Default::default();
    assert!(d.is_empty());
}

#[test]
fn comparisons_in_both_directions() {
    let alloc = TestAlloc::new();
    let a = KString::from("abc");
    let b = KString::from_str_in("abc", &alloc);
    let std_s = String::from("abc");
    let cow: Cow<'_, str> = Cow::Borrowed("abc");
    assert!(a == b && b == a);
    assert!(a == *"abc" && *"abc" == a);
    assert!(a == "abc" && "abc" == a);
    assert!(a == std_s && std_s == a);
    assert!(a == cow && cow == a);
    assert!(a != "abd" && "abd" != b);
    assert!(a < KString::from_str_in("abd", &alloc));
    assert!(b > *"abb");
    assert!(*"abb" < b);
    assert!("abd" > a);
    assert!(a < "abd");
    let abb = String::from("abb");
    assert!(abb < a);
    assert!(a > abb);
    assert!(Cow::Borrowed("b") > a && a < Cow::Borrowed("b"));
    assert_eq!(a.cmp(&KString::from("ab")), std::cmp::Ordering::Greater);
    let mut sorted = vec![KString::from("b"), KString::from("é"), KString::from("a")];
    sorted.sort();
    assert_eq!(sorted, ["a", "b", "é"]);
}

#[test]
fn extend_and_collect() {
    let alloc = TestAlloc::new();
    let mut s = KString::new_in(&alloc);
    s.extend(['a', 'ß']);
    s.extend(&['c']);
    s.extend(["d", "é"]);
    s.extend([KString::from("f"), KString::from("g")]);
    s.extend([KString::from_str_in("h", &alloc)]);
    s.extend([String::from("i")]);
    s.extend([Cow::Borrowed("j"), Cow::Owned("k".into())]);
    assert_eq!(s, "aßcdéfghijk");
    let c: KString = "xyz".chars().collect();
    let r: KString = ['x', 'y'].iter().collect();
    let t: KString = ["a", "b"].into_iter().collect();
    let u: KString = [KString::from_str_in("a", &alloc), KString::from_str_in("b", &alloc)]
        .into_iter()
        .collect();
    let v: KString = [String::from("a")].into_iter().collect();
    let w: KString = [Cow::Borrowed("c")].into_iter().collect();
    assert_eq!(
        (c, r, t, u, v, w),
        ("xyz".into(), "xy".into(), "ab".into(), "ab".into(), "a".into(), "c".into())
    );
}

#[test]
fn formatting_and_operators() {
    let s = KString::from("a\"é");
    assert_eq!(format!("{s}"), "a\"é");
    assert_eq!(format!("{s:?}"), format!("{:?}", "a\"é"));
    assert_eq!(format!("{s:>6}"), "   a\"é");
    let mut t = s.clone() + "x";
    t += "y";
    assert_eq!(t, "a\"éxy");
    use std::fmt::Write;
    write!(t, "{}", 1).unwrap();
    t.write_char('ö').unwrap();
    assert_eq!(t, "a\"éxy1ö");
}

#[test]
fn indexing_and_deref() {
    let mut s = KString::from("héllo wörld");
    assert_eq!(&s[..3], "hé");
    assert_eq!(&s[7..], "wörld");
    assert_eq!(&s[..=0], "h");
    s[..1].make_ascii_uppercase();
    assert_eq!(s, "Héllo wörld");
    assert_eq!(s.split(' ').count(), 2);
    let msg = expect_panic(|| s[..2].len());
    assert_eq!(msg, expect_panic(|| String::from("Héllo wörld")[..2].len()));
    let r: &str = s.as_ref();
    let b: &[u8] = s.as_ref();
    assert_eq!(r.len(), b.len());
    let borrowed: &str = std::borrow::Borrow::borrow(&s);
    assert_eq!(borrowed, "Héllo wörld");
}

#[test]
fn clone_uses_a_clone_of_the_allocator() {
    let alloc = TestAlloc::new();
    let mut s = KString::with_capacity_in(32, &alloc);
    s.push_str("abc");
    let c = s.clone();
    assert_eq!((c.as_str(), c.capacity()), ("abc", 3));
    assert_eq!(alloc.stats().live_blocks, 2);
    let mut d = KString::with_capacity_in(10, &alloc);
    let ptr = d.as_ptr();
    d.clone_from(&s);
    assert_eq!((d.as_str(), d.capacity(), d.as_ptr()), ("abc", 10, ptr));
    let tail = s.split_off(1);
    assert_eq!((s.as_str(), tail.as_str()), ("a", "bc"));
    assert!(std::ptr::eq(*tail.allocator(), &alloc));
    drop((s, c, d, tail));
    alloc.assert_no_leaks();
}

#[test]
fn raw_parts_round_trip() {
    let alloc = TestAlloc::new();
    let s = KString::from_str_in("ünï", &alloc);
    let (ptr, len, cap, a) = s.into_raw_parts_with_alloc();
    // SAFETY: the parts come from `into_raw_parts_with_alloc`.
    let s = unsafe { KString::from_raw_parts_in(ptr, len, cap, a) };
    assert_eq!(s, "ünï");
    drop(s);
    alloc.assert_no_leaks();
}

#[test]
fn leak_and_as_mut_vec() {
    let mut s = KString::from("abc");
    // SAFETY: pushing ASCII keeps the bytes UTF-8.
    unsafe { s.as_mut_vec().push(b'd') };
    assert_eq!(s, "abcd");
    let leaked: &'static mut str = s.leak();
    assert_eq!(leaked, "abcd");
    // SAFETY: give the block back so the sanitizer sees no leak; capacity was 6 (3 → 6).
    drop(unsafe { KString::from_raw_parts(leaked.as_mut_ptr(), 4, 6) });
}

#[test]
fn from_utf8_error_behaves_like_std() {
    let bytes = b"ok\xF0\x28\x8C\x28".to_vec();
    let std_err = String::from_utf8(bytes.clone()).unwrap_err();
    let ours: FromUtf8Error = KString::from_utf8(KVec::from(&bytes[..])).unwrap_err();
    assert_eq!(ours.to_string(), std_err.to_string());
    assert_eq!(format!("{ours:?}"), format!("{std_err:?}"));
    assert_eq!(ours.clone(), ours);
    let e: &dyn std::error::Error = &ours;
    assert!(e.source().is_none());
    assert_eq!(ours.into_bytes(), bytes);
    let u: FromUtf16Error = KString::from_utf16(&[0xDC00]).unwrap_err();
    let std_u = String::from_utf16(&[0xDC00]).unwrap_err();
    assert_eq!(u.to_string(), std_u.to_string());
    // std's Debug text changed between 1.95 (`FromUtf16Error(())`) and later (ours).
    assert_eq!(format!("{u:?}"), "FromUtf16Error { kind: LoneSurrogate }");
    assert!(format!("{std_u:?}").starts_with("FromUtf16Error"));
}

#[test]
fn drain_api() {
    let mut s = KString::from("añbç");
    let d = s.drain(1..);
    assert_eq!(format!("{d:?}"), "Drain(\"ñbç\")");
    assert_eq!(AsRef::<[u8]>::as_ref(&d).len(), 5);
    assert_eq!(d.last(), Some('ç'));
    assert_eq!(s, "a");
}

#[test]
fn panics_match_std() {
    type Case = (&'static str, Box<dyn Fn(&mut String)>, Box<dyn Fn(&mut KString)>);
    let cases: Vec<Case> = vec![
        ("remove at end", Box::new(|s| _ = s.remove(s.len())), Box::new(|s| _ = s.remove(s.len()))),
        ("insert mid-char", Box::new(|s| s.insert(2, 'x')), Box::new(|s| s.insert(2, 'x'))),
        ("truncate mid-char", Box::new(|s| s.truncate(2)), Box::new(|s| s.truncate(2))),
        (
            "split_off mid-char",
            Box::new(|s| drop(s.split_off(2))),
            Box::new(|s| drop(s.split_off(2))),
        ),
        ("drain mid-char", Box::new(|s| drop(s.drain(..2))), Box::new(|s| drop(s.drain(..2)))),
        ("drain past end", Box::new(|s| drop(s.drain(..99))), Box::new(|s| drop(s.drain(..99)))),
        (
            "replace_range start",
            Box::new(|s| s.replace_range(2.., "")),
            Box::new(|s| s.replace_range(2.., "")),
        ),
        (
            "replace_range end",
            Box::new(|s| s.replace_range(..2, "")),
            Box::new(|s| s.replace_range(..2, "")),
        ),
        (
            "extend_from_within",
            Box::new(|s| s.extend_from_within(2..)),
            Box::new(|s| s.extend_from_within(2..)),
        ),
    ];
    for (what, theirs, ours) in cases {
        let m = expect_panic(|| theirs(&mut String::from("aéb")));
        let o = expect_panic(|| ours(&mut KString::from("aéb")));
        assert_eq!(m, o, "{what}");
    }
}
