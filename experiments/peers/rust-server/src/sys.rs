//! What the C servers do through user/common/net.c: the listener, the
//! descriptor limit, the accept queue's warning; and the stop signals.

use std::io::ErrorKind;
use std::net::SocketAddr;

use socket2::{Domain, Socket, Type};

use crate::cli::PROG;

/// The accept queue asked for, as the C servers' LISTEN_BACKLOG.
const LISTEN_BACKLOG: i32 = 4096;

/// Descriptors kept beyond the connections (listener, stdio, runtime).
const SPARE_FDS: u64 = 64;

/// A non-blocking listener, or the line saying why not.
pub fn listen(addr: SocketAddr) -> Result<std::net::TcpListener, String> {
    let sock = Socket::new(Domain::IPV4, Type::STREAM, None).map_err(|e| format!("socket: {}", e))?;
    let _ = sock.set_reuse_address(true);
    if let Err(e) = sock.bind(&addr.into()) {
        return Err(match e.kind() {
            ErrorKind::AddrInUse => format!(
                "cannot listen on {}: address in use; pick another --port, or find the holder with \"ss -ltnp 'sport = :{}'\"",
                addr,
                addr.port()
            ),
            ErrorKind::PermissionDenied => {
                format!("cannot listen on {}: permission denied (ports below 1024 need root)", addr)
            }
            _ => format!("cannot listen on {}: {}", addr, e),
        });
    }
    sock.listen(LISTEN_BACKLOG).map_err(|e| format!("listen: {}", e))?;
    sock.set_nonblocking(true).map_err(|e| format!("listen: {}", e))?;
    Ok(sock.into())
}

/// Raises RLIMIT_NOFILE for max_conns connections and lowers max_conns,
/// with a warning when it was given, if that is not possible
/// (net_fit_max_conns).
pub fn fit_max_conns(max_conns: &mut u64, given: bool) {
    let want = *max_conns + SPARE_FDS;
    let mut lim = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
            return;
        }
        let raised = libc::rlimit { rlim_cur: want, rlim_max: want };
        // Needs CAP_SYS_RESOURCE, and want <= fs.nr_open.
        if lim.rlim_max < want && libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
            return;
        }
        lim.rlim_cur = lim.rlim_max.min(want);
        libc::setrlimit(libc::RLIMIT_NOFILE, &lim);
        libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim);
    }
    let nofile = lim.rlim_cur;
    if nofile >= want {
        return;
    }
    let fit = if nofile > 2 * SPARE_FDS { nofile - SPARE_FDS } else { SPARE_FDS };
    if given {
        eprintln!(
            "{}: warning: RLIMIT_NOFILE allows {} descriptors: --max-conns lowered to {} (run as root, or raise the hard limit: ulimit -Hn)",
            PROG, nofile, fit
        );
    }
    *max_conns = fit;
}

/// The accept queue is bounded by net.core.somaxconn.
pub fn warn_somaxconn() {
    if let Ok(text) = std::fs::read_to_string("/proc/sys/net/core/somaxconn") {
        if let Ok(v) = text.trim().parse::<i64>() {
            if v < LISTEN_BACKLOG as i64 {
                eprintln!(
                    "{}: warning: net.core.somaxconn is {}: the accept queue holds at most that many connections; raise it with 'sysctl -w net.core.somaxconn={}'",
                    PROG, v, LISTEN_BACKLOG
                );
            }
        }
    }
}

/// Blocks SIGINT and SIGTERM in this thread and every thread it makes
/// afterwards; wait_stop_signal() takes them.
pub fn block_stop_signals() -> libc::sigset_t {
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGINT);
        libc::sigaddset(&mut set, libc::SIGTERM);
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
        set
    }
}

pub fn wait_stop_signal(set: &libc::sigset_t) {
    let mut sig = 0;
    unsafe {
        while libc::sigwait(set, &mut sig) != 0 {}
    }
}
