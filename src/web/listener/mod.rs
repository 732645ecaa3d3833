//! Our own accept loop instead of `axum::serve`, which has no defence against slow or idle clients
//! (slowloris): a time limit on a request's head (`head`: also the idle time between requests on a
//! kept-alive connection) and on its body (`body`), and a limit on open connections (a semaphore here).
//! `server::run` and the HTTP tests both serve through [`serve`].

mod body;
mod head;

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{ConnectInfo, Request};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;
use tower::ServiceExt;

use crate::config::ConnectionLimits;

/// Serve `router` on `listener` until `shutdown` completes; then stop accepting (new connections are
/// refused) and return once the requests in flight have been answered.
pub async fn serve<F>(listener: TcpListener, router: Router, limits: ConnectionLimits, shutdown: F) -> io::Result<()>
where
    F: Future<Output = ()> + Send,
{
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let graceful = GracefulShutdown::new();
    let mut shutdown = pin!(shutdown);
    let mut full = FullLog::default();
    loop {
        // A free slot before accepting: at the limit the kernel's backlog holds further clients.
        let permit = match slots.clone().try_acquire_owned() {
            Ok(permit) => permit,
            Err(_) => {
                full.hit(limits.max_connections);
                tokio::select! {
                    permit = slots.clone().acquire_owned() => match permit {
                        Ok(permit) => permit,
                        Err(_) => break, // never closed
                    },
                    () = &mut shutdown => break,
                }
            }
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) if matches!(e.kind(), io::ErrorKind::ConnectionAborted | io::ErrorKind::ConnectionReset) => continue,
                Err(e) => {
                    // E.g. out of file descriptors: wait for connections to close rather than spin.
                    tracing::error!(event = "accept_failed", error = %e, "could not accept a connection");
                    tokio::select! {
                        () = tokio::time::sleep(Duration::from_secs(1)) => continue,
                        () = &mut shutdown => break,
                    }
                }
            },
            () = &mut shutdown => break,
        };
        spawn_connection(&graceful, stream, peer, router.clone(), &limits, permit);
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

fn spawn_connection(
    graceful: &GracefulShutdown,
    stream: TcpStream,
    peer: SocketAddr,
    router: Router,
    limits: &ConnectionLimits,
    permit: OwnedSemaphorePermit,
) {
    // Answers are written in one go; no need to wait for the client's acknowledgement of the last packet.
    let _ = stream.set_nodelay(true);
    let (io, timer) = head::track(stream, limits);
    let body_timeout = limits.body_timeout;
    let service = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
        let (mut parts, body) = req.into_parts();
        // What axum's `into_make_service_with_connect_info` did: the client address for `web::client`.
        parts.extensions.insert(ConnectInfo(peer));
        let api = parts.uri.path().starts_with("/api/");
        let (body, slow) = body::with_deadline(body, body_timeout);
        let answer = router.clone().oneshot(Request::from_parts(parts, body));
        async move { answer.await.map(|resp| slow.answer(resp, api)) }
    });
    let mut builder = http1::Builder::new();
    // The timeout given here only switches hyper's header timer on; `timer` decides when it fires.
    builder.timer(timer).header_read_timeout(limits.header_timeout);
    let conn = graceful.watch(builder.serve_connection(io, service));
    tokio::spawn(async move {
        if let Err(e) = conn.await {
            tracing::debug!(event = "connection_error", peer = %peer, error = %e, "connection ended with an error");
        }
        drop(permit);
    });
}

/// "Connection limit reached" at most once a minute (a burst hits it at every accept), with a count.
#[derive(Default)]
struct FullLog {
    last: Option<Instant>,
    hits: u64,
}

impl FullLog {
    fn hit(&mut self, limit: usize) {
        self.hits += 1;
        if self.last.is_none_or(|t| t.elapsed() >= Duration::from_secs(60)) {
            tracing::warn!(
                event = "connection_limit",
                limit,
                times = self.hits,
                "connection limit reached: new connections wait until one closes (AIREGISTER_MAX_CONNECTIONS)"
            );
            self.last = Some(Instant::now());
            self.hits = 0;
        }
    }
}
