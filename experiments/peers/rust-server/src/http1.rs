//! The HTTP/1.1 request subset the stacklab servers speak, ported from the
//! C servers' shared parser (user/http/) as go-server's http1 package is, so
//! that rust-server accepts, refuses and answers exactly the same bytes: a
//! request line in origin or absolute form, header fields, keep-alive,
//! pipelining, Content-Length bodies (drained and ignored).  No chunked
//! bodies, no obs-fold.  Stateless: it is given everything received so far
//! for the current request and finds a whole head, asks for more, or names
//! the error status.

use std::ops::Range;

#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum Method {
    #[default]
    Get,
    Head,
    /// A valid token we do not serve (405).
    Other,
}

/// What a client may send.
pub struct Limits {
    pub max_head_bytes: usize,
    pub max_headers: usize,
    pub max_body_bytes: usize,
}

/// The C servers' defaults.
pub const DEFAULT_LIMITS: Limits =
    Limits { max_head_bytes: 8192, max_headers: 64, max_body_bytes: 1 << 20 };

/// One parsed head.  `path` indexes the buffer it was parsed from: no
/// borrow is held across the answer's awaits.
#[derive(Default, Debug)]
pub struct Request {
    pub method: Method,
    pub path: Range<usize>,
    pub version_minor: u8,
    pub keep_alive: bool,
    pub content_length: usize,
}

fn is_digit(c: u8) -> bool {
    c.is_ascii_digit()
}

/// RFC 9110 tchar: the characters of a method or a field name.
fn is_tchar(c: u8) -> bool {
    c.is_ascii_alphanumeric() || (c != 0 && b"!#$%&'*+-.^_`|~".contains(&c))
}

/// A head line may hold no control byte but HTAB.
fn has_control(p: &[u8]) -> bool {
    p.iter().any(|&c| (c < 0x20 && c != b'\t') || c == 0x7f)
}

fn find(p: &[u8], c: u8) -> Option<usize> {
    p.iter().position(|&b| b == c)
}

/// The line at pos without its CRLF or LF, and the position after it;
/// None when no LF has arrived yet.
fn next_line(buf: &[u8], pos: usize) -> Option<(Range<usize>, usize)> {
    let nl = find(&buf[pos..], b'\n')?;
    let mut end = pos + nl;
    if end > pos && buf[end - 1] == b'\r' {
        end -= 1;
    }
    Some((pos..end, pos + nl + 1))
}

fn trim_ows(v: &[u8]) -> &[u8] {
    let mut s = 0;
    let mut e = v.len();
    while s < e && (v[s] == b' ' || v[s] == b'\t') {
        s += 1;
    }
    while e > s && (v[e - 1] == b' ' || v[e - 1] == b'\t') {
        e -= 1;
    }
    &v[s..e]
}

/// RFC 3986 host [":" port]: an IP literal in brackets or a reg-name.  No
/// userinfo (RFC 9110 forbids it in http(s) URIs).  Empty is invalid.
fn valid_authority(a: &[u8]) -> bool {
    let is_reg_name = |c: u8| c.is_ascii_alphanumeric() || b"-._~%!$&'()*+,;=".contains(&c);
    let (host, port): (&[u8], &[u8]);
    if a.first() == Some(&b'[') {
        let end = match find(a, b']') {
            Some(e) if e >= 2 => e,
            _ => return false,
        };
        if !a[1..end].iter().all(|&c| is_reg_name(c) || c == b':') {
            return false;
        }
        host = &a[..end + 1];
        port = &a[end + 1..];
        if !port.is_empty() && port[0] != b':' {
            return false;
        }
    } else if let Some(c) = a.iter().rposition(|&b| b == b':') {
        host = &a[..c];
        port = &a[c..];
    } else {
        host = a;
        port = &[];
    }
    if host.is_empty() || (host[0] != b'[' && !host.iter().all(|&c| is_reg_name(c))) {
        return false;
    }
    port.is_empty() || port[1..].iter().all(|&c| is_digit(c))
}

/// The path a target routes by, as a range of buf without the query:
/// origin form "/p?q" gives "/p"; absolute form "http://host/p?q" gives
/// "/p", and Some(None) when its path is empty (routed as "/").  None: a
/// target we do not serve (400).
fn target_path(buf: &[u8], t: Range<usize>) -> Option<Option<Range<usize>>> {
    let strip = |r: Range<usize>| match find(&buf[r.clone()], b'?') {
        Some(q) => r.start..r.start + q,
        None => r,
    };
    let s = &buf[t.clone()];
    if s.first() == Some(&b'/') {
        return Some(Some(strip(t)));
    }
    let sep = s.windows(3).position(|w| w == b"://")?;
    let scheme = &s[..sep];
    if sep == 0 || !(scheme.eq_ignore_ascii_case(b"http") || scheme.eq_ignore_ascii_case(b"https")) {
        return None;
    }
    let rest = t.start + sep + 3..t.end;
    let end = buf[rest.clone()].iter().position(|&c| c == b'/' || c == b'?').unwrap_or(rest.len());
    if end == 0 || !valid_authority(&buf[rest.start..rest.start + end]) {
        return None;
    }
    let path = strip(rest.start + end..rest.end);
    Some(if path.is_empty() { None } else { Some(path) })
}

/// "METHOD SP target SP HTTP/D.D" into req; 0 or the error status.
/// HTTP/1.x for x >= 1 is served as 1.1; another major version is a 505.
fn parse_request_line(buf: &[u8], line: Range<usize>, req: &mut Request) -> u16 {
    let l = &buf[line.clone()];
    let n = l.len();
    let mut i = 0;
    while i < n && is_tchar(l[i]) {
        i += 1;
    }
    if i == 0 || i >= n || l[i] != b' ' {
        return 400;
    }
    req.method = match &l[..i] {
        b"GET" => Method::Get,
        b"HEAD" => Method::Head,
        _ => Method::Other,
    };
    i += 1;
    let start = i;
    while i < n && l[i] > 0x20 && l[i] < 0x7f {
        i += 1;
    }
    req.path = match target_path(buf, line.start + start..line.start + i) {
        Some(Some(p)) => p,
        // Absolute form without a path: "/", which no byte of buf spells
        // at a known place; an empty range marks it (see Request::path_is).
        Some(None) => 0..0,
        None => return 400,
    };
    let v = &l[i..];
    if v.len() != 9 || v[0] != b' ' || &v[1..6] != b"HTTP/" || !is_digit(v[6]) || v[7] != b'.' || !is_digit(v[8]) {
        return 400;
    }
    if v[6] != b'1' {
        return 505;
    }
    req.version_minor = if v[8] == b'0' { 0 } else { 1 };
    req.keep_alive = req.version_minor == 1;
    0
}

impl Request {
    /// Whether the routed path is `want`; an empty range is "/".
    pub fn path_is(&self, buf: &[u8], want: &[u8]) -> bool {
        if self.path.is_empty() {
            return want == b"/";
        }
        &buf[self.path.clone()] == want
    }
}

/// Decides about a head with no line end yet at pos: over the limit, or
/// garbage (refused at once, not at a limit or timeout), or wait (0).
fn incomplete(buf: &[u8], pos: usize, limits: &Limits, have_request_line: bool) -> u16 {
    if buf.len() >= limits.max_head_bytes {
        return 431;
    }
    let mut tail = &buf[pos..];
    if tail.last() == Some(&b'\r') {
        tail = &tail[..tail.len() - 1];
    }
    if has_control(tail) {
        return 400;
    }
    // So is an unfinished request line with a bad method.  The CR of a
    // CRLF split across reads is not part of it: that may be an empty line
    // before the request.
    if !have_request_line {
        let i = tail.iter().position(|&c| !is_tchar(c)).unwrap_or(tail.len());
        if i < tail.len() && tail[i] != b' ' {
            return 400;
        }
    }
    0
}

/// Content-Length: 1*DIGIT; a repeated field must repeat the same value.
fn parse_content_length(v: &[u8], seen: bool, limits: &Limits, req: &mut Request) -> u16 {
    if v.is_empty() {
        return 400;
    }
    let mut value = 0usize;
    for &c in v {
        if !is_digit(c) {
            return 400;
        }
        let d = (c - b'0') as usize;
        if value > (limits.max_body_bytes - d) / 10 {
            return 413;
        }
        value = value * 10 + d;
    }
    if value > limits.max_body_bytes {
        return 413;
    }
    if seen && value != req.content_length {
        return 400;
    }
    req.content_length = value;
    0
}

/// Connection: a comma-separated token list; close wins over keep-alive.
fn parse_connection(v: &[u8], close: &mut bool, keep_alive: &mut bool) {
    for tok in v.split(|&c| c == b',') {
        let tok = trim_ows(tok);
        if tok.eq_ignore_ascii_case(b"close") {
            *close = true;
        } else if tok.eq_ignore_ascii_case(b"keep-alive") {
            *keep_alive = true;
        }
    }
}

/// Parses the request head at the start of buf: Ok(head length > 0) and
/// *req filled; Ok(0) when incomplete and possibly still valid; Err(the
/// status to answer before closing): 400, 413, 431, 501 or 505.  A method
/// other than GET and HEAD parses (Method::Other): the server answers 405
/// and, the body drained, keeps the connection.
pub fn parse_request(buf: &[u8], limits: &Limits, req: &mut Request) -> Result<usize, u16> {
    let (mut have_request_line, mut seen_length, mut seen_host) = (false, false, false);
    let (mut conn_close, mut conn_keep_alive) = (false, false);
    let (mut pos, mut headers) = (0usize, 0usize);

    *req = Request::default();
    loop {
        let (line, next) = match next_line(buf, pos) {
            Some(x) => x,
            None => {
                return match incomplete(buf, pos, limits, have_request_line) {
                    0 => Ok(0),
                    status => Err(status),
                }
            }
        };
        pos = next;
        if pos > limits.max_head_bytes {
            return Err(431);
        }
        let l = &buf[line.clone()];
        if has_control(l) {
            return Err(400);
        }
        if !have_request_line {
            // RFC 9112 2.2: ignore empty lines before a request.
            if l.is_empty() {
                continue;
            }
            match parse_request_line(buf, line, req) {
                0 => have_request_line = true,
                status => return Err(status),
            }
            continue;
        }
        if l.is_empty() {
            break;
        }
        let name_len = l.iter().position(|&c| !is_tchar(c)).unwrap_or(l.len());
        // No name, whitespace before the colon, or obs-fold: 400.
        if name_len == 0 || name_len >= l.len() || l[name_len] != b':' {
            return Err(400);
        }
        headers += 1;
        if headers > limits.max_headers {
            return Err(431);
        }
        let (name, value) = (&l[..name_len], trim_ows(&l[name_len + 1..]));
        if name.eq_ignore_ascii_case(b"Content-Length") {
            match parse_content_length(value, seen_length, limits, req) {
                0 => seen_length = true,
                status => return Err(status),
            }
        } else if name.eq_ignore_ascii_case(b"Transfer-Encoding") {
            return Err(501);
        } else if name.eq_ignore_ascii_case(b"Host") {
            // RFC 9112 3.2: one Host, and a valid one.
            if seen_host || !valid_authority(value) {
                return Err(400);
            }
            seen_host = true;
        } else if name.eq_ignore_ascii_case(b"Connection") {
            parse_connection(value, &mut conn_close, &mut conn_keep_alive);
        }
    }
    // RFC 9112 3.2: an HTTP/1.1 request without Host is a 400.
    if req.version_minor == 1 && !seen_host {
        return Err(400);
    }
    if conn_close {
        req.keep_alive = false;
    } else if conn_keep_alive {
        req.keep_alive = true;
    }
    Ok(pos)
}

/// What Conn::step found.
pub enum Step {
    /// Receive more, append it, step again.
    More,
    /// The request is ready; its path indexes buf[used - head..].
    Ready,
    /// Answer this error status and close.
    Refused(u16),
}

/// One connection's protocol state, free of IO: skip what is left of the
/// previous request's body, then parse the next request head.
#[derive(Default)]
pub struct Conn {
    /// Body bytes of the last request still to skip.
    pub drain_left: usize,
}

impl Conn {
    /// Goes over buf, the bytes received and not yet used; returns the
    /// step and how many bytes it consumed (drained body bytes, then the
    /// head on Ready).  req.path is relative to buf.
    pub fn step(&mut self, buf: &[u8], limits: &Limits, req: &mut Request) -> (Step, usize) {
        let used = self.drain_left.min(buf.len());
        self.drain_left -= used;
        if self.drain_left > 0 {
            return (Step::More, used);
        }
        match parse_request(&buf[used..], limits, req) {
            Err(status) => (Step::Refused(status), used),
            Ok(0) => (Step::More, used),
            Ok(head) => {
                if !req.path.is_empty() {
                    req.path = req.path.start + used..req.path.end + used;
                }
                self.drain_left = req.content_length;
                (Step::Ready, used + head)
            }
        }
    }
}

/// The reason phrase of a status we send.
pub fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        413 => "Content Too Large",
        431 => "Request Header Fields Too Large",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "Unknown",
    }
}

/// Appends a whole response (head, then body unless head_only), with the C
/// servers' fixed header set and no Date, so that every server answers
/// byte for byte alike.
pub fn append_response(out: &mut Vec<u8>, status: u16, keep_alive: bool, head_only: bool, body: &[u8]) {
    use std::io::Write;
    let _ = write!(
        out,
        "HTTP/1.1 {} {}\r\nServer: stacklab\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n",
        status,
        reason(status),
        body.len()
    );
    if status == 405 {
        out.extend_from_slice(b"Allow: GET, HEAD\r\n");
    }
    out.extend_from_slice(if keep_alive {
        b"Connection: keep-alive\r\n\r\n" as &[u8]
    } else {
        b"Connection: close\r\n\r\n"
    });
    if !head_only {
        out.extend_from_slice(body);
    }
}

/// An error response, always "Connection: close".
pub fn error_response(status: u16) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    let body = format!("{} {}\n", status, reason(status));
    append_response(&mut out, status, false, false, body.as_bytes());
    out
}
