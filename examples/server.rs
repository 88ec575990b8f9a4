//! A small HTTP/1.1 server whose request handlers allocate only in per-request arenas.
//!
//! Each request checks an [`Arena`] out of an [`ArenaSet`], reads the request into an
//! arena `Vec<u8>`, parses it into arena-allocated structures (the query as a
//! `Vec<(&str, String), &Arena>` with percent-decoded values, the headers as a
//! `Vec<(&str, &str), &Arena>`), builds the response in an arena `String`, writes it, and
//! gives the arena back (reset, keeping its largest chunk). A [`Counting`] wrapper is the
//! program's `#[global_allocator]`, so the server can print, for every request, how many
//! allocations reached the global allocator while the request was handled. After the
//! first few requests (while the arenas' kept chunks grow to a request's size) the count
//! is 0: in steady state, serving a request takes nothing from the system allocator.
//!
//! A built-in load generator on loopback drives it in two phases: one keep-alive
//! connection in lockstep (so each request's count is exactly its own), then two
//! connections served by two server threads at once, sharing the `ArenaSet`. The
//! generator itself is allocation-free after start-up (requests are formatted into stack
//! buffers), so it does not disturb the counts. The program exits with an error if any
//! steady-state request allocated.
//!
//! ```text
//! cargo run --release --example server            # 40 + 2 x 500 requests
//! cargo run --release --example server -- 10 100  # 10 lockstep, 2 x 100 concurrent
//! ```

use std::alloc::System;
use std::fmt::Write as _;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Barrier;
use std::thread;

use allockit::arena::ArenaSet;
use allockit::wrappers::Counting;
use allockit::{Arena, String, Vec};

#[global_allocator]
static GLOBAL: Counting<System> = Counting::new(System);

/// Requests served in lockstep before the arenas are warm; not checked.
const WARM_UP: usize = 8;

/// The largest request head + body the server accepts.
const MAX_REQUEST: usize = 64 << 10;

/// Calls that reached the global allocator so far (allocations and reallocations).
fn global_calls() -> usize {
    let stats = GLOBAL.stats();
    stats.allocations + stats.grows + stats.shrinks
}

// ---------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------

/// A parsed request; everything it points to lives in the request's arena.
struct Request<'a> {
    method: &'a str,
    path: &'a str,
    /// Query parameters, values percent-decoded into arena strings.
    query: Vec<(&'a str, String<&'a Arena>), &'a Arena>,
    headers: Vec<(&'a str, &'a str), &'a Arena>,
    body: &'a [u8],
}

impl<'a> Request<'a> {
    fn param(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(key, _)| *key == name).map(|(_, value)| value.as_str())
    }

    fn header(&self, name: &str) -> Option<&'a str> {
        self.headers.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, v)| *v)
    }
}

/// What one connection has read past the end of the request it is serving (pipelined
/// bytes), kept on the stack between requests.
struct Carry {
    bytes: [u8; 4096],
    len: usize,
}

/// Reads one request (head and body) from `stream` into an arena buffer. Returns `None`
/// at the end of the stream.
fn read_request<'a>(
    stream: &mut TcpStream,
    carry: &mut Carry,
    arena: &'a Arena,
) -> io::Result<Option<Vec<u8, &'a Arena>>> {
    let mut buf = Vec::with_capacity_in(1024, arena);
    buf.extend_from_slice(&carry.bytes[..carry.len]);
    carry.len = 0;
    let mut chunk = [0u8; 2048];
    let (head_end, total) = loop {
        if let Some(at) = find(&buf, b"\r\n\r\n") {
            let head = std::str::from_utf8(&buf[..at]).map_err(invalid)?;
            let length = head
                .lines()
                .filter_map(|line| line.split_once(':'))
                .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
                .map(|(_, value)| value.trim().parse::<usize>().map_err(invalid))
                .transpose()?
                .unwrap_or(0);
            break (at + 4, at + 4 + length);
        }
        if buf.len() > MAX_REQUEST {
            return Err(invalid("request head too long"));
        }
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return if buf.is_empty() { Ok(None) } else { Err(invalid("truncated request")) };
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    debug_assert!(head_end <= total);
    while buf.len() < total {
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Err(invalid("truncated body"));
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    // Bytes of the next request stay with the connection.
    let extra = &buf[total..];
    if extra.len() > carry.bytes.len() {
        return Err(invalid("too much pipelined data"));
    }
    carry.bytes[..extra.len()].copy_from_slice(extra);
    carry.len = extra.len();
    buf.truncate(total);
    Ok(Some(buf))
}

fn parse<'a>(raw: &'a [u8], arena: &'a Arena) -> io::Result<Request<'a>> {
    let head_end = find(raw, b"\r\n\r\n").ok_or_else(|| invalid("no head"))?;
    let head = std::str::from_utf8(&raw[..head_end]).map_err(invalid)?;
    let mut lines = head.split("\r\n");
    let mut parts = lines.next().unwrap_or("").split(' ');
    let (method, target) = match (parts.next(), parts.next(), parts.next()) {
        (Some(m), Some(t), Some("HTTP/1.1")) => (m, t),
        _ => return Err(invalid("bad request line")),
    };
    let (path, query_string) = target.split_once('?').unwrap_or((target, ""));
    let mut query = Vec::new_in(arena);
    for pair in query_string.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        query.push((key, percent_decode(value, arena)?));
    }
    let mut headers = Vec::new_in(arena);
    for line in lines {
        let (name, value) = line.split_once(':').ok_or_else(|| invalid("bad header"))?;
        headers.push((name.trim(), value.trim()));
    }
    Ok(Request { method, path, query, headers, body: &raw[head_end + 4..] })
}

fn percent_decode<'a>(s: &str, arena: &'a Arena) -> io::Result<String<&'a Arena>> {
    let mut bytes = Vec::with_capacity_in(s.len(), arena);
    let mut rest = s.as_bytes();
    while let Some((&b, tail)) = rest.split_first() {
        match b {
            b'%' if tail.len() >= 2 => {
                let hex = std::str::from_utf8(&tail[..2]).map_err(invalid)?;
                bytes.push(u8::from_str_radix(hex, 16).map_err(invalid)?);
                rest = &tail[2..];
            }
            b'+' => {
                bytes.push(b' ');
                rest = tail;
            }
            _ => {
                bytes.push(b);
                rest = tail;
            }
        }
    }
    String::from_utf8(bytes).map_err(|_| invalid("query is not UTF-8"))
}

/// Builds the response to `req` in the arena: status, body.
fn handle<'a>(req: &Request<'_>, arena: &'a Arena) -> (u16, String<&'a Arena>) {
    let mut body = String::new_in(arena);
    let status = match (req.method, req.path) {
        ("GET", "/hello") => {
            let name = req.param("name").unwrap_or("world");
            let _ = writeln!(body, "Hello, {name}!");
            200
        }
        ("GET", "/sum") => {
            let mut values: Vec<i64, &Arena> = Vec::new_in(arena);
            for v in req.param("values").unwrap_or("").split(',').filter(|v| !v.is_empty()) {
                match v.trim().parse() {
                    Ok(n) => values.push(n),
                    Err(_) => {
                        let _ = writeln!(body, "not a number: {v}");
                        return (400, body);
                    }
                }
            }
            values.sort_unstable();
            let sum: i64 = values.iter().sum();
            let median = values.get(values.len() / 2).copied().unwrap_or(0);
            let _ =
                writeln!(body, "{{\"count\":{},\"sum\":{sum},\"median\":{median}}}", values.len());
            200
        }
        ("POST", "/echo") => {
            let text = std::str::from_utf8(req.body).unwrap_or("<binary>");
            let agent = req.header("user-agent").unwrap_or("-");
            body.push_str(&text.to_uppercase_in(arena));
            let _ = writeln!(body, "\n({} bytes from {agent})", req.body.len());
            200
        }
        _ => {
            let _ = writeln!(body, "no route for {} {}", req.method, req.path);
            404
        }
    };
    (status, body)
}

/// Upper-casing into an arena string (std's `to_uppercase` would allocate on the heap).
trait ToUppercaseIn {
    fn to_uppercase_in<'a>(&self, arena: &'a Arena) -> String<&'a Arena>;
}

impl ToUppercaseIn for str {
    fn to_uppercase_in<'a>(&self, arena: &'a Arena) -> String<&'a Arena> {
        let mut out = String::with_capacity_in(self.len(), arena);
        out.extend(self.chars().flat_map(char::to_uppercase));
        out
    }
}

/// What serving one request cost.
struct Served {
    global_calls: usize,
    arena_bytes: usize,
    arena_reserved: usize,
    status: u16,
}

/// Serves one request from `stream` with an arena from `arenas`; `None` at end of stream.
fn serve_one(
    stream: &mut TcpStream,
    carry: &mut Carry,
    arenas: &ArenaSet,
) -> io::Result<Option<Served>> {
    let before = global_calls();
    let arena = arenas.checkout();
    let Some(raw) = read_request(stream, carry, &arena)? else { return Ok(None) };
    let (status, body) = match parse(&raw, &arena) {
        Ok(req) => handle(&req, &arena),
        Err(e) => {
            let mut body = String::new_in(&*arena);
            let _ = writeln!(body, "bad request: {e}");
            (400, body)
        }
    };
    let mut head = String::with_capacity_in(128, &*arena);
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        _ => "Not Found",
    };
    let _ = write!(
        head,
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(body.as_bytes())?;
    let stats = arena.stats();
    drop((head, body, raw));
    drop(arena); // reset and returned to the set
    Ok(Some(Served {
        global_calls: global_calls() - before,
        arena_bytes: stats.allocated,
        arena_reserved: stats.reserved,
        status,
    }))
}

// ---------------------------------------------------------------------------------------
// The load generator
// ---------------------------------------------------------------------------------------

/// A fixed-size stack buffer that implements `fmt::Write`, for allocation-free requests.
struct StackBuf {
    bytes: [u8; 512],
    len: usize,
}

impl StackBuf {
    fn new() -> Self {
        StackBuf { bytes: [0; 512], len: 0 }
    }

    fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

impl std::fmt::Write for StackBuf {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        self.bytes.get_mut(self.len..end).ok_or(std::fmt::Error)?.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// Writes request number `i` of a fixed mix into `out`; returns its expected status.
fn make_request(i: usize, out: &mut StackBuf) -> u16 {
    out.len = 0;
    let names = ["ada", "grace%20hopper", "barbara+liskov", "ken"];
    let result = match i % 5 {
        0 | 3 => write!(
            out,
            "GET /hello?name={} HTTP/1.1\r\nHost: localhost\r\nUser-Agent: loadgen\r\n\r\n",
            names[i % names.len()]
        ),
        1 => write!(
            out,
            "GET /sum?values={},{},{},-4,17 HTTP/1.1\r\nHost: localhost\r\n\r\n",
            i,
            i * 3,
            i % 7
        ),
        2 => {
            let body = "request bodies are parsed in the arena too";
            write!(
                out,
                "POST /echo HTTP/1.1\r\nHost: localhost\r\nUser-Agent: loadgen/{i}\r\n\
                 Content-Length: {}\r\n\r\n{body}",
                body.len()
            )
        }
        _ => writeln!(out, "GET /missing/{i} HTTP/1.1\r\nHost: localhost\r\n\r"),
    };
    result.expect("request fits the stack buffer");
    if i % 5 == 4 { 404 } else { 200 }
}

/// Sends `count` requests on one connection, each after the previous response, and
/// checks every status. Allocation-free after connecting.
fn load(addr: SocketAddr, first: usize, count: usize) -> io::Result<()> {
    let mut stream = TcpStream::connect(addr)?;
    let mut request = StackBuf::new();
    let mut response = [0u8; 8192];
    for i in first..first + count {
        let expected = make_request(i, &mut request);
        stream.write_all(request.as_bytes())?;
        let mut len = 0;
        let (head_end, total) = loop {
            let n = stream.read(&mut response[len..])?;
            if n == 0 {
                return Err(invalid("server closed the connection"));
            }
            len += n;
            if let Some(at) = find(&response[..len], b"\r\n\r\n") {
                let head = std::str::from_utf8(&response[..at]).map_err(invalid)?;
                let length: usize = head
                    .lines()
                    .find_map(|l| l.strip_prefix("Content-Length: "))
                    .ok_or_else(|| invalid("no length"))?
                    .parse()
                    .map_err(invalid)?;
                break (at, at + 4 + length);
            }
        };
        while len < total {
            let n = stream.read(&mut response[len..])?;
            if n == 0 {
                return Err(invalid("truncated response"));
            }
            len += n;
        }
        let status_line = std::str::from_utf8(&response[..head_end]).map_err(invalid)?;
        let status: u16 = status_line[9..12].parse().map_err(invalid)?;
        if status != expected {
            return Err(invalid("unexpected status"));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1).map(|a| a.parse::<usize>());
    let lockstep = args.next().transpose()?.unwrap_or(40).max(WARM_UP + 1);
    let concurrent = args.next().transpose()?.unwrap_or(500).max(WARM_UP + 1);

    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let arenas = ArenaSet::new();

    // Phase 1: one connection, one request at a time, one line per request.
    println!("phase 1: {lockstep} requests in lockstep on one keep-alive connection");
    println!(
        "{:>4}  {:>6}  {:>10}  {:>14}  {:>22}",
        "req", "status", "arena used", "arena reserved", "global allocator calls"
    );
    let client = thread::spawn(move || load(addr, 0, lockstep));
    let (mut stream, _) = listener.accept()?;
    let mut carry = Carry { bytes: [0; 4096], len: 0 };
    let mut steady_calls = 0;
    let mut n = 0;
    while let Some(served) = serve_one(&mut stream, &mut carry, &arenas)? {
        println!(
            "{n:>4}  {:>6}  {:>10}  {:>14}  {:>22}",
            served.status, served.arena_bytes, served.arena_reserved, served.global_calls
        );
        if n >= WARM_UP {
            steady_calls += served.global_calls;
        }
        n += 1;
    }
    client.join().expect("load generator panicked")?;
    drop(stream);
    println!("steady state (requests {WARM_UP}..{n}): {steady_calls} global allocator calls");

    // Phase 2: two connections served by two threads at once, sharing the arena set.
    println!("\nphase 2: 2 connections x {concurrent} requests, 2 server threads");
    let warm = Barrier::new(3); // the two server threads and this one
    let (phase2_calls, served) = thread::scope(|s| -> io::Result<(usize, usize)> {
        let clients: std::vec::Vec<_> =
            (0..2).map(|c| s.spawn(move || load(addr, c * concurrent, concurrent))).collect();
        let servers: std::vec::Vec<_> = (0..2)
            .map(|_| {
                let (mut stream, _) = listener.accept()?;
                let (arenas, warm) = (&arenas, &warm);
                Ok(s.spawn(move || -> io::Result<(usize, usize)> {
                    let mut carry = Carry { bytes: [0; 4096], len: 0 };
                    let mut count = 0;
                    let mut start = 0;
                    while let Some(_served) = serve_one(&mut stream, &mut carry, arenas)? {
                        count += 1;
                        if count == WARM_UP {
                            warm.wait();
                            start = global_calls();
                            warm.wait();
                        }
                    }
                    Ok((global_calls() - start, count))
                }))
            })
            .collect::<io::Result<_>>()?;
        warm.wait();
        warm.wait();
        let mut served = 0;
        let mut calls = 0;
        for server in servers {
            let (c, count) = server.join().expect("server thread panicked")?;
            calls = calls.max(c);
            served += count;
        }
        for client in clients {
            client.join().expect("load generator panicked")?;
        }
        Ok((calls, served))
    })?;
    println!(
        "served {served} requests; after warm-up, {phase2_calls} global allocator calls \
         (both threads' windows, counted process-wide)"
    );
    println!("idle arenas: {}, holding {} bytes", arenas.idle(), arenas.idle_reserved());

    if steady_calls != 0 || phase2_calls != 0 {
        return Err("steady-state requests reached the global allocator".into());
    }
    println!("steady state: 0 allocations per request reached the global allocator");
    Ok(())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn invalid<E: Into<Box<dyn std::error::Error + Send + Sync>>>(e: E) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, e)
}
