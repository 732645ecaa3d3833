//! Slow and idle clients (slowloris) on loopback, with raw TCP connections against the server's own accept
//! loop (`web::listener::serve`, as `airegister serve` runs it), on short limits: heads that never end, a
//! silent new connection, a body that stops or drips, an idle kept-alive connection, and more slow clients
//! than the connection limit. Every wait is bounded; ordinary requests must keep being answered.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use airegister::config::{ConnectionLimits, WebConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::{TestApp, fresh_database};

const HEAD: Duration = Duration::from_secs(1);
const BODY: Duration = Duration::from_secs(2);
const IDLE: Duration = Duration::from_secs(3);
/// Longest wait for anything: beyond every limit above plus a margin for a busy 2-core machine.
const GIVE_UP: Duration = Duration::from_secs(8);
/// How late a close may come after its limit (scheduling on a busy machine), and how early (clock rounding).
const LATE: Duration = Duration::from_millis(2500);
const EARLY: Duration = Duration::from_millis(100);

async fn spawn(max_connections: usize, head: Duration) -> (TestApp, SocketAddr) {
    let limits = ConnectionLimits { header_timeout: head, body_timeout: BODY, idle_timeout: IDLE, max_connections };
    let app = TestApp::spawn_on(fresh_database().await, WebConfig { limits, ..Default::default() }).await;
    let addr = app.base.trim_start_matches("http://").parse().unwrap();
    (app, addr)
}

/// Read until the server closes the connection (EOF or reset); how long that took from `since`, and what
/// it sent first. None when it was still open after GIVE_UP.
async fn until_closed(s: &mut TcpStream, since: Instant) -> Option<(Duration, String)> {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let left = GIVE_UP.checked_sub(since.elapsed())?;
        match tokio::time::timeout(left, s.read(&mut buf)).await {
            Err(_) => return None,
            Ok(Ok(0)) | Ok(Err(_)) => return Some((since.elapsed(), String::from_utf8_lossy(&got).into_owned())),
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
        }
    }
}

/// A request head sent a line at a time, every 300 ms, never finished: how long after the connect the
/// server closed it (None: still open after `give_up`).
async fn slow_head(addr: SocketAddr, give_up: Duration) -> Option<Duration> {
    let start = Instant::now();
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n").await.unwrap();
    let mut buf = [0u8; 1024];
    let mut tick = tokio::time::interval(Duration::from_millis(300));
    tick.tick().await;
    while start.elapsed() < give_up {
        tokio::select! {
            r = s.read(&mut buf) => if matches!(r, Ok(0) | Err(_)) { return Some(start.elapsed()) },
            _ = tick.tick() => if s.write_all(b"X-Langzaam: ja\r\n").await.is_err() { return Some(start.elapsed()) },
        }
    }
    None
}

/// One complete response on a kept-alive connection (head plus Content-Length body).
async fn read_response(s: &mut TcpStream) -> String {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let text = String::from_utf8_lossy(&got).into_owned();
        if let Some(end) = text.find("\r\n\r\n") {
            let length = text[..end]
                .lines()
                .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse().unwrap()))
                .unwrap_or(0usize);
            if got.len() >= end + 4 + length {
                return text;
            }
        }
        let n = tokio::time::timeout(GIVE_UP, s.read(&mut buf)).await.expect("an answer in time").unwrap();
        assert!(n > 0, "connection closed before the answer was complete: {text}");
        got.extend_from_slice(&buf[..n]);
    }
}

/// (a) 60 heads that never end and (e) a new connection that sends nothing are closed after the head limit,
/// (f) while ordinary requests keep being answered quickly.
#[tokio::test]
async fn slow_heads_and_silent_connections_are_closed_while_others_are_served() {
    let (app, addr) = spawn(200, HEAD).await;
    let slow: Vec<_> = (0..60).map(|_| tokio::spawn(slow_head(addr, GIVE_UP))).collect();
    let silent = tokio::spawn(async move {
        let start = Instant::now();
        let mut s = TcpStream::connect(addr).await.unwrap();
        until_closed(&mut s, start).await
    });
    // Ordinary requests meanwhile, for three seconds.
    let c = reqwest::Client::builder().timeout(Duration::from_secs(5)).build().unwrap();
    let (mut served, mut slowest) = (0, Duration::ZERO);
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(3) {
        let t = Instant::now();
        let r = c.get(app.url("/healthz")).send().await.expect("an ordinary request is answered");
        assert_eq!(r.status(), 200);
        slowest = slowest.max(t.elapsed());
        served += 1;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(served >= 20, "only {served} ordinary requests answered in 3 s");
    assert!(slowest < Duration::from_millis(1500), "an ordinary request took {slowest:?}");
    for (i, h) in slow.into_iter().enumerate() {
        let closed = h.await.unwrap().unwrap_or_else(|| panic!("slow head {i} still open after {GIVE_UP:?}"));
        assert!(
            closed >= HEAD - EARLY && closed < HEAD + LATE,
            "slow head {i} closed after {closed:?}, limit {HEAD:?}"
        );
    }
    let (closed, _) = silent.await.unwrap().expect("a silent connection is closed");
    assert!(closed >= HEAD - EARLY && closed < HEAD + LATE, "silent connection closed after {closed:?}");
}

/// (d) A kept-alive connection is not held to the head limit between requests, but to the idle limit.
#[tokio::test]
async fn an_idle_kept_alive_connection_lasts_until_the_idle_limit() {
    let (_app, addr) = spawn(200, HEAD).await;
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap();
    assert!(read_response(&mut s).await.starts_with("HTTP/1.1 200"));
    // Silent for longer than the head limit: the connection is still there and serves the next request.
    tokio::time::sleep(HEAD + Duration::from_millis(800)).await;
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap();
    assert!(read_response(&mut s).await.starts_with("HTTP/1.1 200"), "still open past the head limit");
    let answered = Instant::now();
    let (closed, rest) = until_closed(&mut s, answered).await.expect("an idle connection is closed");
    assert!(rest.is_empty(), "nothing more is sent: {rest}");
    assert!(closed >= IDLE - EARLY && closed < IDLE + LATE, "idle connection closed after {closed:?}, limit {IDLE:?}");
}

/// A login form post whose body announces `length` bytes.
fn post_head(addr: SocketAddr, length: usize) -> String {
    format!(
        "POST /inloggen HTTP/1.1\r\nHost: {addr}\r\nSec-Fetch-Site: same-origin\r\nAccept-Encoding: gzip\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {length}\r\n\r\n"
    )
}

/// (b) A body that stops after 10 of 1,000,000 bytes and (c) one that drips a byte every 200 ms (which a
/// per-piece timeout would never stop) are answered 408 and closed after the body limit.
#[tokio::test]
async fn a_stalled_or_dripping_body_is_answered_408_after_the_body_limit() {
    let (_app, addr) = spawn(200, HEAD).await;
    let stalled = tokio::spawn(async move {
        let mut s = TcpStream::connect(addr).await.unwrap();
        s.write_all(post_head(addr, 1_000_000).as_bytes()).await.unwrap();
        let start = Instant::now();
        s.write_all(b"email=a%40b").await.unwrap();
        until_closed(&mut s, start).await
    });
    let drip = tokio::spawn(async move {
        let mut s = TcpStream::connect(addr).await.unwrap();
        s.write_all(post_head(addr, 1000).as_bytes()).await.unwrap();
        let start = Instant::now();
        let mut buf = [0u8; 4096];
        let mut got = Vec::new();
        while start.elapsed() < GIVE_UP {
            tokio::select! {
                r = s.read(&mut buf) => match r {
                    Ok(0) | Err(_) => return Some((start.elapsed(), String::from_utf8_lossy(&got).into_owned())),
                    Ok(n) => got.extend_from_slice(&buf[..n]),
                },
                _ = tokio::time::sleep(Duration::from_millis(200)) => { let _ = s.write_all(b"a").await; }
            }
        }
        None
    });
    for (what, h) in [("stalled", stalled), ("dripping", drip)] {
        let (closed, answer) = h.await.unwrap().unwrap_or_else(|| panic!("{what} body: still open after {GIVE_UP:?}"));
        assert!(answer.starts_with("HTTP/1.1 408"), "{what} body answered: {answer}");
        assert!(answer.contains("te langzaam binnen"), "{what} body: the answer says why: {answer}");
        let lower = answer.to_ascii_lowercase();
        assert!(lower.contains("connection: close"), "{what} body: the connection is closed: {answer}");
        assert!(lower.contains("x-content-type-options: nosniff"), "{what} body: security headers kept: {answer}");
        assert!(!lower.contains("content-encoding"), "{what} body: the plain 408 page says it is plain: {answer}");
        assert!(closed >= BODY - EARLY && closed < BODY + LATE, "{what} body closed after {closed:?}, limit {BODY:?}");
    }
}

/// Server-side sockets of `port` that are accepted (an open file descriptor: inode not 0; connections still
/// in the kernel's backlog have none), from /proc/net/tcp and tcp6.
fn accepted_connections(port: u16) -> usize {
    ["/proc/net/tcp", "/proc/net/tcp6"]
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .flat_map(|t| t.lines().skip(1).map(str::to_string).collect::<Vec<_>>())
        .filter(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            let local_port = f.get(1).and_then(|a| a.rsplit(':').next()).and_then(|p| u16::from_str_radix(p, 16).ok());
            local_port == Some(port) && f.get(3) != Some(&"0A") && f.get(9).is_some_and(|i| *i != "0")
        })
        .count()
}

/// (g) With more slow clients than the connection limit, the server never holds more than the limit open;
/// an ordinary request waits for a free slot and is answered once slow connections time out.
#[tokio::test]
async fn beyond_the_connection_limit_clients_wait_and_are_served_when_slow_ones_time_out() {
    const LIMIT: usize = 20;
    let head = Duration::from_secs(2);
    let (app, addr) = spawn(LIMIT, head).await;
    let port = addr.port();
    // Twenty are served at once; the ten others and the ordinary request wait until the first twenty time
    // out after the head limit, and then have their own: give them three limits and a margin.
    let slow: Vec<_> = (0..LIMIT + 10).map(|_| tokio::spawn(slow_head(addr, head * 3 + GIVE_UP / 2))).collect();
    let sampler = tokio::spawn(async move {
        let (mut most, start) = (0, Instant::now());
        while start.elapsed() < head * 2 + Duration::from_secs(1) {
            most = most.max(accepted_connections(port));
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        most
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let c = reqwest::Client::builder().timeout(GIVE_UP).build().unwrap();
    let start = Instant::now();
    let r = c.get(app.url("/healthz")).send().await.expect("the request is answered once a slot is free");
    let waited = start.elapsed();
    assert_eq!(r.status(), 200);
    assert!(waited >= head / 2, "answered after {waited:?}: the slow connections did not hold the limit");
    let most = sampler.await.unwrap();
    assert!(most <= LIMIT, "{most} connections open at once, limit {LIMIT}");
    assert!(most >= LIMIT - 2, "the slow clients should have filled the limit; saw at most {most}");
    for h in slow {
        assert!(h.await.unwrap().is_some(), "every slow client is closed in the end");
    }
}
