package http1

import "bytes"

// parseRequestLine reads "METHOD SP target SP HTTP/D.D" into req; 0 or
// the error status.  HTTP/1.x for x >= 1 is served as 1.1; another major
// version is a 505.
func parseRequestLine(line []byte, req *Request) int {
	n := len(line)
	i := 0
	for i < n && isTchar(line[i]) {
		i++
	}
	if i == 0 || i >= n || line[i] != ' ' {
		return 400
	}
	switch string(line[:i]) {
	case "GET":
		req.Method = Get
	case "HEAD":
		req.Method = Head
	default:
		req.Method = Other
	}

	i++
	start := i
	for i < n && line[i] > 0x20 && line[i] < 0x7f {
		i++
	}
	path, ok := targetPath(line[start:i])
	if !ok {
		return 400
	}
	req.Path = path

	v := line[i:]
	if len(v) != 9 || v[0] != ' ' || !bytes.HasPrefix(v[1:], []byte("HTTP/")) ||
		!isDigit(v[6]) || v[7] != '.' || !isDigit(v[8]) {
		return 400
	}
	if v[6] != '1' {
		return 505
	}
	req.VersionMinor = 1
	if v[8] == '0' {
		req.VersionMinor = 0
	}
	req.KeepAlive = req.VersionMinor == 1
	return 0
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isAlpha(c byte) bool { return (c|0x20) >= 'a' && (c|0x20) <= 'z' }

// targetPath returns the path a target routes by, without its query:
// origin form "/p?q" gives "/p"; absolute form "http://host/p?q" gives
// "/p" ("/" when the path is empty).  Other forms are not served.
func targetPath(t []byte) ([]byte, bool) {
	if len(t) > 0 && t[0] == '/' {
		return stripQuery(t), true
	}
	sep := bytes.Index(t, []byte("://"))
	if sep <= 0 || !isHTTPScheme(t[:sep]) {
		return nil, false
	}
	rest := t[sep+3:]
	end := bytes.IndexAny(rest, "/?")
	if end < 0 {
		end = len(rest)
	}
	if end == 0 || !validAuthority(rest[:end]) {
		return nil, false
	}
	path := stripQuery(rest[end:])
	if len(path) == 0 {
		return []byte("/"), true
	}
	return path, true
}

func isHTTPScheme(s []byte) bool {
	return equalFold(s, "http") || equalFold(s, "https")
}

func stripQuery(t []byte) []byte {
	if q := bytes.IndexByte(t, '?'); q >= 0 {
		return t[:q]
	}
	return t
}
