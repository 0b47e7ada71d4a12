package http1

import "bytes"

// validAuthority: RFC 3986 host [":" port], where host is an IP literal
// in brackets or a reg-name (IPv4 addresses are reg-name characters).
// No userinfo: RFC 9110 forbids it in http(s) URIs.  Empty is invalid.
func validAuthority(a []byte) bool {
	host := a
	port := []byte(nil)
	if len(a) > 0 && a[0] == '[' {
		end := bytes.IndexByte(a, ']')
		if end < 2 || !allBytes(a[1:end], isIPLiteralChar) {
			return false
		}
		host, port = a[:end+1], a[end+1:]
		if len(port) > 0 && port[0] != ':' {
			return false
		}
	} else if c := bytes.LastIndexByte(a, ':'); c >= 0 {
		host, port = a[:c], a[c:]
	}
	if len(host) == 0 {
		return false
	}
	if host[0] != '[' && !allBytes(host, isRegNameChar) {
		return false
	}
	return len(port) == 0 || allBytes(port[1:], isDigit)
}

func allBytes(p []byte, ok func(byte) bool) bool {
	for _, c := range p {
		if !ok(c) {
			return false
		}
	}
	return true
}

// unreserved / pct-encoded (loosely: the '%') / sub-delims.
func isRegNameChar(c byte) bool {
	if isAlpha(c) || isDigit(c) {
		return true
	}
	return bytes.IndexByte([]byte("-._~%!$&'()*+,;="), c) >= 0
}

// IPv6 and IPvFuture inside the brackets.
func isIPLiteralChar(c byte) bool {
	return isRegNameChar(c) || c == ':'
}
