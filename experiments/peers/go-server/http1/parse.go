// Package http1 is the HTTP/1.1 request subset the stacklab servers speak,
// ported from the C servers' shared parser so that go-server accepts,
// refuses and answers exactly the same bytes: a request line in origin or
// absolute form, header fields, keep-alive, pipelining, Content-Length
// bodies (drained and ignored).  No chunked bodies, no obs-fold.
//
// Like the C parser it is stateless: it is given everything received so
// far for the current request and finds a whole head, asks for more, or
// names the error status.
package http1

import "bytes"

// Method is what the request asks for; Other is a valid token we do not
// serve (405).
type Method int

const (
	Get Method = iota
	Head
	Other
)

// Limits bound what a client may send.
type Limits struct {
	MaxHeadBytes int // request line + headers; over it: 431
	MaxHeaders   int // header fields; over it: 431
	MaxBodyBytes int // Content-Length; over it: 413
}

// DefaultLimits are the C servers' defaults.
var DefaultLimits = Limits{MaxHeadBytes: 8192, MaxHeaders: 64, MaxBodyBytes: 1 << 20}

// Request is one parsed head.  Path points into the caller's buffer.
type Request struct {
	Method        Method
	Path          []byte // the target's path: no scheme, authority or query
	VersionMinor  int    // 0 for HTTP/1.0, 1 for HTTP/1.1 and later 1.x
	KeepAlive     bool   // after the version default and Connection
	ContentLength int    // body bytes that follow the head
}

// isTchar: RFC 9110 tchar, the characters of a method or a field name.
func isTchar(c byte) bool {
	switch {
	case c >= '0' && c <= '9', c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		return true
	}
	return c != 0 && bytes.IndexByte([]byte("!#$%&'*+-.^_`|~"), c) >= 0
}

// hasControl: a head line may hold no control byte but HTAB.
func hasControl(p []byte) bool {
	for _, c := range p {
		if (c < 0x20 && c != '\t') || c == 0x7f {
			return true
		}
	}
	return false
}

// nextLine returns the line at pos without its CRLF or LF, and the
// position after it; ok is false when no LF has arrived yet.
func nextLine(buf []byte, pos int) (line []byte, next int, ok bool) {
	nl := bytes.IndexByte(buf[pos:], '\n')
	if nl < 0 {
		return nil, pos, false
	}
	line = buf[pos : pos+nl]
	if len(line) > 0 && line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
	}
	return line, pos + nl + 1, true
}

func equalFold(a []byte, want string) bool {
	return bytes.EqualFold(a, []byte(want))
}
