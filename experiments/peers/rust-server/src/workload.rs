//! The work every stacklab server does for a request, ported from the C
//! servers (user/workload/): "GET /" answers a short body; "GET /heavy"
//! digests --heavy-bytes of scratch (heavy.rs).

use crate::http1::{self, Method, Request};

/// The C servers' default --heavy-bytes.
pub const DEFAULT_HEAVY_BYTES: usize = 256 * 1024;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Route {
    Root,
    Heavy,
    NotFound,
    NotAllowed,
}

/// Routes by method and path (the query is already stripped); the path
/// indexes buf.
pub fn route_of(req: &Request, buf: &[u8]) -> Route {
    if req.method == Method::Other {
        Route::NotAllowed
    } else if req.path_is(buf, b"/") {
        Route::Root
    } else if req.path_is(buf, b"/heavy") {
        Route::Heavy
    } else {
        Route::NotFound
    }
}

/// Appends the answer on route; digest is used by Heavy only.
pub fn append_response(out: &mut Vec<u8>, route: Route, keep_alive: bool, head_only: bool, heavy_bytes: usize, digest: u64) {
    let heavy_body;
    let (status, body): (u16, &[u8]) = match route {
        Route::Root => (200, b"hello from stacklab\n"),
        Route::Heavy => {
            heavy_body = format!("heavy {} bytes digest {:016x}\n", heavy_bytes, digest);
            (200, heavy_body.as_bytes())
        }
        Route::NotFound => (404, b"404 Not Found\n"),
        Route::NotAllowed => (405, b"405 Method Not Allowed\n"),
    };
    http1::append_response(out, status, keep_alive, head_only, body);
}
