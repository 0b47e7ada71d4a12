//! The listener, the live connections and the stop: state shared by the
//! accept loop, every connection task and the main thread (signals).

use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use crate::cli::PROG;
use crate::conn::{self, Conn};
use crate::http1::{self, Limits};

pub struct Config {
    pub heavy_bytes: usize,
    pub max_conns: u64,
    pub idle_timeout: Duration,
    pub limits: Limits,
}

struct Live {
    conns: u64,
    accepting: bool,
    /// When the stop's --shutdown-timeout runs out; None until the stop.
    deadline: Option<Instant>,
}

pub struct Shared {
    pub cfg: Config,
    pub requests: AtomicU64,
    stopping: AtomicBool,
    stop_tx: watch::Sender<bool>,
    pub stop_rx: watch::Receiver<bool>,
    live: Mutex<Live>,
    /// Signalled when the last connection closes after the stop.
    drained: Condvar,
}

impl Shared {
    pub fn new(cfg: Config) -> Arc<Shared> {
        let (stop_tx, stop_rx) = watch::channel(false);
        Arc::new(Shared {
            cfg,
            requests: AtomicU64::new(0),
            stopping: AtomicBool::new(false),
            stop_tx,
            stop_rx,
            live: Mutex::new(Live { conns: 0, accepting: true, deadline: None }),
            drained: Condvar::new(),
        })
    }

    pub fn stopping(&self) -> bool {
        self.stopping.load(Ordering::Acquire)
    }

    /// Counts a new connection, unless the server is full or stopping.
    fn add(&self) -> bool {
        let mut live = self.live.lock().unwrap();
        if live.deadline.is_some() || live.conns >= self.cfg.max_conns {
            return false;
        }
        live.conns += 1;
        true
    }

    pub fn remove(&self) {
        let mut live = self.live.lock().unwrap();
        live.conns -= 1;
        if live.conns == 0 && live.deadline.is_some() {
            self.drained.notify_all();
        }
    }

    fn stop_accepting(&self) {
        self.live.lock().unwrap().accepting = false;
        self.drained.notify_all();
    }

    /// The stop (from the main thread, on SIGINT or SIGTERM): wakes every
    /// connection's wait, so idle ones end at once and busy ones after the
    /// response in progress; returns how many are still open at the
    /// deadline (0: all closed before it).
    pub fn stop(&self, timeout: Duration) -> u64 {
        let deadline = Instant::now() + timeout;
        let mut live = self.live.lock().unwrap();
        live.deadline = Some(deadline);
        self.stopping.store(true, Ordering::Release);
        let _ = self.stop_tx.send(true);
        while live.conns > 0 || live.accepting {
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            live = self.drained.wait_timeout(live, deadline - now).unwrap().0;
        }
        live.conns
    }

    /// Bounds the last linger of a connection closed by the stop.
    pub fn stop_linger_deadline(&self) -> Instant {
        let soon = Instant::now() + Duration::from_secs(1);
        match self.live.lock().unwrap().deadline {
            Some(d) if d < soon => d,
            _ => soon,
        }
    }
}

/// Prints at most one line a second for a repeated condition.
fn warn_limited(last: &mut Option<Instant>, what: &str) {
    let now = Instant::now();
    if last.map_or(true, |t| now.duration_since(t) >= Duration::from_secs(1)) {
        eprintln!("{}: {}", PROG, what);
        *last = Some(now);
    }
}

/// One task per connection until the stop; `heavy` makes the future
/// GET /heavy awaits (inline or boxed: see heavy.rs).
pub async fn accept_loop<H, F>(listener: TcpListener, shared: Arc<Shared>, heavy: H)
where
    H: Fn(usize) -> F + Copy + Send + 'static,
    F: Future<Output = u64> + Send + 'static,
{
    let (mut fd_warned, mut full_warned) = (None, None);
    let mut stop = shared.stop_rx.clone();

    loop {
        let accepted = tokio::select! {
            r = listener.accept() => r,
            _ = stop.changed() => break,
        };
        let stream: TcpStream = match accepted {
            Ok((s, _)) => s,
            Err(e) => {
                // EMFILE and the like: back off rather than spin.
                warn_limited(&mut fd_warned, &format!("accept: {}; backing off (raise ulimit -n)", e));
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        if !shared.add() {
            if !shared.stopping() {
                warn_limited(&mut full_warned, "--max-conns reached: answering 503");
            }
            // A fresh connection's send buffer is empty: a plain send does
            // not block (tokio's try_write would wait for a readiness event
            // the driver has not seen yet).
            if let Ok(mut s) = stream.into_std() {
                let _ = std::io::Write::write(&mut s, &http1::error_response(503));
            }
            continue;
        }
        let _ = stream.set_nodelay(true);
        tokio::spawn(conn::serve(Conn::new(stream, shared.clone(), heavy)));
    }
    drop(listener);
    shared.stop_accepting();
}
