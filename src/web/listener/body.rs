//! The body limit: the whole body must arrive within it from the end of the head (a total deadline, so a
//! drip of a byte now and then is cut off too), else the request is answered 408 and the connection closed.
//! (tower-http's `RequestBodyTimeoutLayer` restarts its timer at every piece of the body; its
//! `DeadlineBody` is total but leaves no trace for an answer other than the handler's own.)

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use hyper::body::{Body as HttpBody, Bytes, Frame, Incoming, SizeHint};
use tokio::time::Instant;

/// The request body with its deadline, and the mark that tells afterwards whether it passed.
pub(super) fn with_deadline(body: Incoming, timeout: Duration) -> (axum::body::Body, SlowBody) {
    let slow = SlowBody::default();
    let body = DeadlineBody { inner: body, deadline: Instant::now() + timeout, sleep: None, slow: slow.clone() };
    (axum::body::Body::new(body), slow)
}

/// Set when a request's body did not arrive in time.
#[derive(Clone, Default)]
pub(super) struct SlowBody(Arc<AtomicBool>);

impl SlowBody {
    /// Whatever the application made of a body that timed out (usually "too large" or "bad request"), the
    /// answer is 408 with a Dutch page (problem+json for the API) and the connection closes. The
    /// application's headers stay, so the security headers are there; no middleware is needed per request.
    pub(super) fn answer(&self, resp: Response, api: bool) -> Response {
        if !self.0.load(Relaxed) {
            return resp;
        }
        let (title, text) = (
            "Verzoek te langzaam",
            "Het verzoek kwam te langzaam binnen. Er is niets opgeslagen; probeer het opnieuw.",
        );
        let page = if api {
            crate::web::problem::Problem::new(StatusCode::REQUEST_TIMEOUT, title, text).into_response()
        } else {
            crate::web::error_page::error_page(StatusCode::REQUEST_TIMEOUT, title, text.into())
        };
        let (mut parts, _) = resp.into_parts();
        let (page, body) = page.into_parts();
        tracing::info!(event = "request_body_timeout", was = %parts.status, "request body not received in time; answered 408");
        parts.status = StatusCode::REQUEST_TIMEOUT;
        parts.headers.remove(header::CONTENT_LENGTH);
        // The page replacing it is plain: the handler's answer may have been compressed (web::compression).
        parts.headers.remove(header::CONTENT_ENCODING);
        parts.headers.extend(page.headers);
        parts.headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
        Response::from_parts(parts, body)
    }
}

/// A request body that must be complete by `deadline` (a total deadline, not per piece). Only a stall is
/// checked: data that has arrived is passed on, so a handler that reads late is not punished.
struct DeadlineBody {
    inner: Incoming,
    deadline: Instant,
    sleep: Option<Pin<Box<tokio::time::Sleep>>>,
    slow: SlowBody,
}

impl HttpBody for DeadlineBody {
    type Data = Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Pending => {}
            ready => return ready.map_err(Into::into),
        }
        // Made on the first stall only: most bodies arrive whole with their head, and GETs have none.
        let deadline = this.deadline;
        let sleep = this.sleep.get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
        if sleep.as_mut().poll(cx).is_pending() {
            return Poll::Pending;
        }
        this.slow.0.store(true, Relaxed);
        Poll::Ready(Some(Err(Box::new(io::Error::new(io::ErrorKind::TimedOut, "request body not received in time")))))
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
