//! The head and idle limits. Both use hyper's header timer: hyper starts it whenever it waits for a request
//! head, also on an idle kept-alive connection, so on its own it would close idle connections after the head
//! limit. Instead each connection gets its own [`HeadTimer`] whose sleep takes its deadline from what the
//! connection did, as recorded by [`Tracked`] (the TCP stream wrapper):
//!   - bytes arrived since our last write: the first of them + head limit (a head is under way);
//!   - else something was written: the last write + idle limit (kept alive after an answer);
//!   - else: the accept + head limit (a new connection that sends nothing is treated as a slow head).
//!
//! hyper polls the sleep after every read that leaves the head incomplete, so the deadline follows the
//! connection without a task of its own. (A client that pipelines part of its next head before our answer
//! gets the idle limit for it: no worse than a client that sends a whole request and then waits.)

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::task::{Context, Poll};
use std::time::Duration;

use hyper::rt::{Sleep, Timer};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::time::Instant;

use crate::config::ConnectionLimits;

/// The stream for hyper and the timer that watches it.
pub(super) fn track(stream: TcpStream, limits: &ConnectionLimits) -> (TokioIo<Tracked>, HeadTimer) {
    let activity =
        Arc::new(Activity { accepted: Instant::now(), last_write: AtomicU64::new(0), first_read: AtomicU64::new(0) });
    let timer = HeadTimer { activity: activity.clone(), head: limits.header_timeout, idle: limits.idle_timeout };
    (TokioIo::new(Tracked { stream, activity }), timer)
}

/// What a connection did, for the head and idle deadlines: milliseconds since the accept plus one, 0 for
/// "not yet". Only the connection's own task touches it; the atomics just make it shareable with the timer.
struct Activity {
    accepted: Instant,
    last_write: AtomicU64,
    /// The first byte read since the last write.
    first_read: AtomicU64,
}

impl Activity {
    fn now(&self) -> u64 {
        u64::try_from(self.accepted.elapsed().as_millis()).unwrap_or(u64::MAX - 1) + 1
    }

    fn at(&self, stamp: u64) -> Instant {
        self.accepted + Duration::from_millis(stamp - 1)
    }

    /// The deadline for the request head being waited for (see the module comment); true when idle.
    fn head_deadline(&self, head: Duration, idle: Duration) -> (Instant, bool) {
        match (self.first_read.load(Relaxed), self.last_write.load(Relaxed)) {
            (0, 0) => (self.accepted + head, false),
            (0, written) => (self.at(written) + idle, true),
            (read, _) => (self.at(read) + head, false),
        }
    }
}

/// The TCP stream, recording reads and writes in [`Activity`].
pub(super) struct Tracked {
    stream: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Tracked {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.stream).poll_read(cx, buf);
        if buf.filled().len() > before && self.activity.first_read.load(Relaxed) == 0 {
            self.activity.first_read.store(self.activity.now(), Relaxed);
        }
        polled
    }
}

impl Tracked {
    fn wrote(&self, polled: &Poll<io::Result<usize>>) {
        if matches!(polled, Poll::Ready(Ok(n)) if *n > 0) {
            self.activity.last_write.store(self.activity.now(), Relaxed);
            self.activity.first_read.store(0, Relaxed);
        }
    }
}

impl AsyncWrite for Tracked {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.stream).poll_write(cx, buf);
        self.wrote(&polled);
        polled
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.stream).poll_write_vectored(cx, bufs);
        self.wrote(&polled);
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

/// hyper's HTTP/1 server uses its timer only for the wait for a request head (proto/h1/conn.rs,
/// `poll_read_head`), so both methods give the head sleep and hyper's own deadline is not used.
pub(super) struct HeadTimer {
    activity: Arc<Activity>,
    head: Duration,
    idle: Duration,
}

impl HeadTimer {
    fn head_sleep(&self) -> Pin<Box<dyn Sleep>> {
        let (deadline, _) = self.activity.head_deadline(self.head, self.idle);
        Box::pin(HeadSleep {
            activity: self.activity.clone(),
            head: self.head,
            idle: self.idle,
            sleep: Box::pin(tokio::time::sleep_until(deadline)),
        })
    }
}

impl Timer for HeadTimer {
    fn sleep(&self, _: Duration) -> Pin<Box<dyn Sleep>> {
        self.head_sleep()
    }

    fn sleep_until(&self, _: std::time::Instant) -> Pin<Box<dyn Sleep>> {
        self.head_sleep()
    }
}

struct HeadSleep {
    activity: Arc<Activity>,
    head: Duration,
    idle: Duration,
    sleep: Pin<Box<tokio::time::Sleep>>,
}

impl Future for HeadSleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        let (deadline, idle) = this.activity.head_deadline(this.head, this.idle);
        if this.sleep.deadline() != deadline {
            this.sleep.as_mut().reset(deadline);
        }
        let fired = this.sleep.as_mut().poll(cx);
        if fired.is_ready() {
            tracing::debug!(
                event = "connection_timeout",
                idle,
                "connection closed: no (complete) request head in time"
            );
        }
        fired
    }
}

impl Sleep for HeadSleep {}
