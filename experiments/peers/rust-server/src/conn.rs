//! One connection's task: read, parse, answer, until the peer closes, a
//! response says close, an error is answered, the idle timeout passes or
//! the server stops.  A head must be finished within the idle timeout of
//! its first byte, so trickling a byte at a time (slowloris) cannot hold a
//! task forever.  On stop, the request being answered is finished and
//! nothing pipelined behind it is served.
//!
//! An idle connection holds no receive buffer: it waits for readiness and
//! reads into a buffer made then, and dropped again once every byte in it
//! is used, so the task's future is most of what a connection costs.

use std::future::Future;
use std::io::ErrorKind;
use std::sync::Arc;
use std::time::Instant as StdInstant;

use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::sync::watch;
use tokio::time::{sleep_until, Instant};

use crate::http1::{self, Method, Request, Step};
use crate::server::Shared;
use crate::workload::{self, Route};

/// What an erroring client may still send before we close on it.
const LINGER_MAX_BYTES: usize = 256 * 1024;

/// Bytes read at once, like fut-server's and go-server's 4 KiB buffers.
const RECV_CHUNK: usize = 4096;

/// A connection and what its task needs; dropping it (the task ends)
/// counts it out.
pub struct Conn<H> {
    stream: TcpStream,
    shared: Arc<Shared>,
    heavy: H,
}

impl<H> Conn<H> {
    pub fn new(stream: TcpStream, shared: Arc<Shared>, heavy: H) -> Self {
        Conn { stream, shared, heavy }
    }
}

impl<H> Drop for Conn<H> {
    fn drop(&mut self) {
        self.shared.remove();
    }
}

enum Wait {
    Readable,
    Timeout,
    Stop,
}

/// Waits until the stream has something to read, the deadline, or the stop.
async fn wait(stream: &TcpStream, deadline: Instant, stop: &mut watch::Receiver<bool>) -> Wait {
    tokio::select! {
        // An error is read by the try_read that follows.
        _ = stream.readable() => Wait::Readable,
        _ = sleep_until(deadline) => Wait::Timeout,
        _ = stop.changed() => Wait::Stop,
    }
}

/// The connection's task.  `heavy(n)` is the future GET /heavy awaits.
pub async fn serve<H, F>(mut c: Conn<H>)
where
    H: Fn(usize) -> F,
    F: Future<Output = u64>,
{
    let shared = c.shared.clone();
    let cfg = &shared.cfg;
    let max_cap = cfg.limits.max_head_bytes + RECV_CHUNK;
    let mut stop = shared.stop_rx.clone();
    let mut buf: Vec<u8> = Vec::new();
    let mut proto = http1::Conn::default();
    let mut req = Request::default();
    let mut head_deadline: Option<Instant> = None;

    loop {
        let (step, used) = proto.step(&buf, &cfg.limits, &mut req);
        match step {
            Step::Refused(status) => {
                send_error_and_linger(&mut c.stream, status).await;
                return;
            }
            Step::Ready => {
                let keep = req.keep_alive;
                let route = workload::route_of(&req, &buf);
                let mut digest = 0;
                if route == Route::Heavy {
                    // The heavy branch's await: its future is a field of
                    // this one (inline) or a box (boxed).
                    let branch = (c.heavy)(cfg.heavy_bytes);
                    digest = branch.await;
                }
                let mut out = Vec::with_capacity(256);
                workload::append_response(&mut out, route, keep, req.method == Method::Head, cfg.heavy_bytes, digest);
                shared.requests.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let sent = c.stream.write_all(&out).await.is_ok();
                if !sent || !keep || shared.stopping() {
                    if sent && keep {
                        linger(&mut c.stream, shared.stop_linger_deadline()).await;
                    }
                    return;
                }
                buf.drain(..used);
                continue;
            }
            Step::More => {
                buf.drain(..used);
            }
        }

        // More is needed: an idle wait, or a head being finished.
        let mut deadline = Instant::now() + cfg.idle_timeout;
        if !buf.is_empty() && proto.drain_left == 0 {
            deadline = *head_deadline.get_or_insert(deadline);
        } else {
            head_deadline = None;
        }
        if buf.is_empty() {
            buf = Vec::new();
        }
        if shared.stopping() {
            return;
        }
        match wait(&c.stream, deadline, &mut stop).await {
            Wait::Readable => {}
            Wait::Stop => return,
            Wait::Timeout => {
                if !shared.stopping() {
                    send_error_and_linger(&mut c.stream, 408).await;
                }
                return;
            }
        }
        let old = buf.len();
        let room = RECV_CHUNK.min(max_cap - old);
        buf.resize(old + room, 0);
        match c.stream.try_read(&mut buf[old..]) {
            Ok(n) if n > 0 => buf.truncate(old + n),
            Err(e) if e.kind() == ErrorKind::WouldBlock => buf.truncate(old),
            // The peer closed, or the connection failed.
            _ => return,
        }
    }
}

/// Answers an error, then closes without losing the answer: closing with
/// unread input makes the kernel send RST, which can destroy the response
/// before the client reads it.
async fn send_error_and_linger(stream: &mut TcpStream, status: u16) {
    if stream.write_all(&http1::error_response(status)).await.is_ok() {
        linger(stream, StdInstant::now() + std::time::Duration::from_secs(1)).await;
    }
}

/// Half-closes and drains what the client still sends, for a bounded time
/// and amount, so that our last response reaches it.
async fn linger(stream: &mut TcpStream, until: StdInstant) {
    let until = Instant::from_std(until);
    if stream.shutdown().await.is_err() {
        return;
    }
    let mut drained = 0;
    while drained < LINGER_MAX_BYTES {
        tokio::select! {
            _ = stream.readable() => {}
            _ = sleep_until(until) => return,
        }
        let mut sink = [0u8; 4096];
        match stream.try_read(&mut sink) {
            Ok(n) if n > 0 => drained += n,
            Err(e) if e.kind() == ErrorKind::WouldBlock => {}
            _ => return,
        }
    }
}
