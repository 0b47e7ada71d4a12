//! rust-server: the Rust futures peer of tpc-server, fut-server and
//! go-server.  tokio, one task per connection, on a current_thread runtime
//! (--threads N: a multi-thread one), raw TCP, the same HTTP/1.1 subset,
//! limits and bytes as the C servers.  GET /heavy awaits an async fn whose
//! --heavy-bytes scratch is held across an await: inline in every
//! connection's future (--heavy inline), or boxed (--heavy boxed).

mod cli;
mod conn;
mod heavy;
mod http1;
mod server;
mod sys;
mod workload;

use std::future::Future;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use cli::{Usage, PROG};
use server::{Config, Shared};

const VERSION: &str = env!("STACKLAB_VERSION");

/// --heavy-bytes at most: what go-server allows.
const HEAVY_MAX: u64 = 256 << 20;

fn usage() -> String {
    format!(
        "usage: {p} --port P [OPTION]...

HTTP/1.1 server on tokio: one task per connection, each an async fn's state
machine (\"a perfectly sized stack\").  GET / answers a short body; GET /heavy
awaits an async fn holding --heavy-bytes across an await: inline in every
connection's future, or boxed on the heap only while the branch runs.

      --port P              TCP port (0: any free one; the address is printed)
  -a, --addr A              IPv4 address to listen on (default 127.0.0.1)
  -t, --threads N           1: a current_thread runtime (default); more: a
                            multi-thread runtime with N workers
      --heavy inline|boxed  GET /heavy awaits heavy(n) in place, or
                            Box::pin(heavy(n)) (default inline)
  -H, --heavy-bytes N       GET /heavy scratch size (default 256K, at most 256M);
                            the array is N rounded up to a power of two
  -m, --max-conns N         connections served at once; more get 503
                            (default 100000, or what RLIMIT_NOFILE allows)
      --max-header-bytes N  request head limit; more gets 431 (default 8K)
      --idle-timeout D      idle or unfinished-head limit; then 408 (default 10s)
      --shutdown-timeout D  on SIGINT/SIGTERM, exit within D (default 2s)
  -h, --help                this text
  -V, --version             the stacklab release

Durations: a number with ns, us, ms, s, m or h (bare: seconds);
sizes: digits with K, M or G (powers of 1024).

SIGINT or SIGTERM: stop accepting; finish the request in flight on each
connection, serve nothing pipelined behind it, close; exit 0 when all are
closed or at the --shutdown-timeout deadline, whichever is first.

Examples:
  {p} --port 0                      any free port, heavy branch inline
  {p} --port 8080 --heavy boxed --shutdown-timeout 500ms
  {p} --port 8080 -t 2 --heavy-bytes 64K
",
        p = PROG
    )
}

struct Options {
    addr: Ipv4Addr,
    port: u16,
    threads: usize,
    boxed: bool,
    max_conns_given: bool,
    shutdown_timeout: Duration,
    cfg: Config,
}

enum Parsed {
    Run(Options),
    Exit(i32),
}

fn parse(args: &[String]) -> Result<Parsed, Usage> {
    const KNOWN: &[(&str, Option<char>, bool)] = &[
        ("port", None, true),
        ("addr", Some('a'), true),
        ("threads", Some('t'), true),
        ("heavy", None, true),
        ("heavy-bytes", Some('H'), true),
        ("max-conns", Some('m'), true),
        ("max-header-bytes", None, true),
        ("idle-timeout", None, true),
        ("shutdown-timeout", None, true),
        ("help", Some('h'), false),
        ("version", Some('V'), false),
    ];
    let mut o = Options {
        addr: Ipv4Addr::LOCALHOST,
        port: 0,
        threads: 1,
        boxed: false,
        max_conns_given: false,
        shutdown_timeout: Duration::from_secs(2),
        cfg: Config {
            heavy_bytes: workload::DEFAULT_HEAVY_BYTES,
            max_conns: 100000,
            idle_timeout: Duration::from_secs(10),
            limits: http1::DEFAULT_LIMITS,
        },
    };
    let mut port_given = false;
    for (flag, value) in cli::split(args, KNOWN)? {
        let v = value.as_deref().unwrap_or("");
        match flag {
            "help" => {
                print!("{}", usage());
                return Ok(Parsed::Exit(0));
            }
            "version" => {
                println!("{} (stacklab) {}", PROG, VERSION);
                return Ok(Parsed::Exit(0));
            }
            "port" => {
                o.port = cli::uint(flag, v, 0, 65535, false)? as u16;
                port_given = true;
            }
            "addr" => {
                o.addr = v.parse().map_err(|_| {
                    Usage(format!("{}: '{}' is not an IPv4 address (e.g. 127.0.0.1)", PROG, v))
                })?
            }
            "threads" => o.threads = cli::uint(flag, v, 1, 256, false)? as usize,
            "heavy" => {
                o.boxed = match v {
                    "inline" => false,
                    "boxed" => true,
                    _ => return Err(Usage(format!("{}: --heavy: '{}' is neither inline nor boxed", PROG, v))),
                }
            }
            "heavy-bytes" => o.cfg.heavy_bytes = cli::uint(flag, v, 1, HEAVY_MAX, true)? as usize,
            "max-conns" => {
                o.cfg.max_conns = cli::uint(flag, v, 1, 1 << 32, false)?;
                o.max_conns_given = true;
            }
            "max-header-bytes" => o.cfg.limits.max_head_bytes = cli::uint(flag, v, 256, 1 << 20, true)? as usize,
            "idle-timeout" => {
                // Whole seconds, rounded up, as the C servers keep it.
                let d = cli::duration(flag, v, Duration::from_secs(1), Duration::from_secs(86400))?;
                o.cfg.idle_timeout = Duration::from_secs(d.as_secs() + (d.subsec_nanos() > 0) as u64);
            }
            "shutdown-timeout" => {
                o.shutdown_timeout = cli::duration(flag, v, Duration::ZERO, Duration::from_secs(3600))?
            }
            _ => unreachable!("flag {} in KNOWN but not handled", flag),
        }
    }
    if !port_given {
        return Err(Usage(format!("{}: --port is required (0 for any free port); try '{} --help'", PROG, PROG)));
    }
    Ok(Parsed::Run(o))
}

/// The size of the future an async fn returns.
fn returned_size<A, R>(_: fn(A) -> R) -> usize {
    std::mem::size_of::<R>()
}

/// What the listening line says that the runtime's thread does not know.
struct Banner {
    addr: Ipv4Addr,
    threads: usize,
    boxed: bool,
}

/// Runs the server on the runtime with the heavy branch `heavy` (the
/// runtime's thread never returns: the main thread ends the process).
fn run_runtime<H, F>(rt: tokio::runtime::Runtime, listener: std::net::TcpListener, shared: Arc<Shared>, b: Banner, heavy: H)
where
    H: Fn(usize) -> F + Copy + Send + Sync + 'static,
    F: Future<Output = u64> + Send + 'static,
{
    let runtime = if b.threads == 1 {
        "current_thread runtime".to_string()
    } else {
        format!("multi_thread runtime, {} workers", b.threads)
    };
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(0);
    rt.block_on(async move {
        let listener = match tokio::net::TcpListener::from_std(listener) {
            Ok(l) => l,
            Err(e) => {
                eprintln!("{}: cannot register the listener: {}", PROG, e);
                std::process::exit(1);
            }
        };
        println!(
            "{}: listening on {}:{} (tokio task per connection, {}, heavy {} {} KiB, {}-byte connection future)",
            PROG,
            b.addr,
            port,
            runtime,
            if b.boxed { "boxed" } else { "inline" },
            shared.cfg.heavy_bytes / 1024,
            returned_size(conn::serve::<H, F>)
        );
        server::accept_loop(listener, shared, heavy).await;
        std::future::pending::<()>().await
    });
}

/// Starts the runtime with the heavy async fn's array of N bytes (one
/// instance of it, and of the connection future holding it, per size).
fn start<const N: usize>(rt: tokio::runtime::Runtime, listener: std::net::TcpListener, shared: Arc<Shared>, b: Banner) {
    if b.boxed {
        run_runtime(rt, listener, shared, b, heavy::heavy_boxed::<N>)
    } else {
        run_runtime(rt, listener, shared, b, heavy::heavy::<N>)
    }
}

macro_rules! by_class {
    ($log2:expr, $($arg:expr),*) => {
        match $log2 {
            0..=12 => start::<{ 1 << 12 }>($($arg),*), 13 => start::<{ 1 << 13 }>($($arg),*),
            14 => start::<{ 1 << 14 }>($($arg),*), 15 => start::<{ 1 << 15 }>($($arg),*),
            16 => start::<{ 1 << 16 }>($($arg),*), 17 => start::<{ 1 << 17 }>($($arg),*),
            18 => start::<{ 1 << 18 }>($($arg),*), 19 => start::<{ 1 << 19 }>($($arg),*),
            20 => start::<{ 1 << 20 }>($($arg),*), 21 => start::<{ 1 << 21 }>($($arg),*),
            22 => start::<{ 1 << 22 }>($($arg),*), 23 => start::<{ 1 << 23 }>($($arg),*),
            24 => start::<{ 1 << 24 }>($($arg),*), 25 => start::<{ 1 << 25 }>($($arg),*),
            26 => start::<{ 1 << 26 }>($($arg),*), 27 => start::<{ 1 << 27 }>($($arg),*),
            28 => start::<{ 1 << 28 }>($($arg),*),
            _ => unreachable!("--heavy-bytes is at most 256M"),
        }
    };
}

/// glibc's mmap threshold, fixed: an allocation of this size or more is
/// its own mapping, unmapped when it is freed.
const MMAP_THRESHOLD: libc::c_int = 128 << 10;

fn main() {
    // A boxed heavy future (--heavy-bytes, 256 KiB by default) must go back
    // to the system when its branch ends, as libfut's large objects do.
    // glibc's threshold is dynamic: the first such box freed raises it past
    // the box's size, and from then on boxes come from the arenas, whose
    // freed memory malloc keeps (how much depends on which boxes were freed
    // last).  Memory after load would then measure malloc's leftovers, not
    // what a connection keeps.  Setting the threshold turns that off.
    // SAFETY: mallopt only sets malloc's parameters; no thread runs yet.
    if unsafe { libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD) } != 1 {
        eprintln!("{}: warning: mallopt(M_MMAP_THRESHOLD) failed: freed heavy boxes may stay in malloc's arenas", PROG);
    }
    std::process::exit(run(std::env::args().skip(1).collect()));
}

fn run(args: Vec<String>) -> i32 {
    let o = match parse(&args) {
        Ok(Parsed::Run(o)) => o,
        Ok(Parsed::Exit(code)) => return code,
        Err(Usage(line)) => {
            eprintln!("{}", line);
            return 2;
        }
    };
    let mut cfg_max = o.cfg.max_conns;
    sys::fit_max_conns(&mut cfg_max, o.max_conns_given);
    sys::warn_somaxconn();

    let listener = match sys::listen(SocketAddr::from((o.addr, o.port))) {
        Ok(l) => l,
        Err(line) => {
            eprintln!("{}: {}", PROG, line);
            return 1;
        }
    };
    // Every thread made from here on inherits the mask: the main thread
    // takes SIGINT and SIGTERM with sigwait.
    let sigs = sys::block_stop_signals();

    // The task's future is moved through the stack when it is spawned (and
    // the boxed heavy future when it is boxed): room for a few copies.
    let log2 = o.cfg.heavy_bytes.next_power_of_two().trailing_zeros();
    let stack = (8 << 20) + 4 * (1usize << log2.max(12));
    let mut builder = if o.threads == 1 {
        tokio::runtime::Builder::new_current_thread()
    } else {
        let mut b = tokio::runtime::Builder::new_multi_thread();
        b.worker_threads(o.threads);
        b
    };
    let rt = match builder.enable_io().enable_time().thread_stack_size(stack).build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("{}: cannot start the tokio runtime: {}", PROG, e);
            return 1;
        }
    };
    let banner = Banner { addr: o.addr, threads: o.threads, boxed: o.boxed };
    let shutdown_timeout = o.shutdown_timeout;
    let shared = Shared::new(Config { max_conns: cfg_max, ..o.cfg });
    let for_rt = shared.clone();
    let spawned = std::thread::Builder::new()
        .name("rust-server-rt".into())
        .stack_size(stack)
        .spawn(move || by_class!(log2, rt, listener, for_rt, banner));
    if let Err(e) = spawned {
        eprintln!("{}: cannot start the runtime's thread: {}", PROG, e);
        return 1;
    }

    sys::wait_stop_signal(&sigs);
    let left = shared.stop(shutdown_timeout);
    let requests = shared.requests.load(std::sync::atomic::Ordering::Relaxed);
    if left > 0 {
        println!(
            "{}: stopped: {} requests served, {} connections cut at the --shutdown-timeout deadline",
            PROG, requests, left
        );
    } else {
        println!("{}: stopped: {} requests served", PROG, requests);
    }
    0
}
