package http1

// ParseRequest parses the request head at the start of buf.  It returns
// the head's length (> 0) and fills *req; 0, 0 when the head is
// incomplete and may still become valid; or 0 and the status of the
// response to send before closing: 400, 413, 431, 501 (a
// Transfer-Encoding we do not implement) or 505.  A method other than
// GET and HEAD parses (Other): the server answers 405 and, the body
// drained, keeps the connection.
func ParseRequest(buf []byte, limits *Limits, req *Request) (int, int) {
	haveRequestLine, seenLength, seenHost := false, false, false
	connClose, connKeepAlive := false, false
	pos, headers := 0, 0

	*req = Request{}
	for {
		line, next, ok := nextLine(buf, pos)
		if !ok {
			return 0, incomplete(buf, pos, limits, haveRequestLine)
		}
		pos = next
		if pos > limits.MaxHeadBytes {
			return 0, 431
		}
		if hasControl(line) {
			return 0, 400
		}
		if !haveRequestLine {
			// RFC 9112 2.2: ignore empty lines before a request.
			if len(line) == 0 {
				continue
			}
			if status := parseRequestLine(line, req); status != 0 {
				return 0, status
			}
			haveRequestLine = true
			continue
		}
		if len(line) == 0 {
			break
		}

		nameLen := 0
		for nameLen < len(line) && isTchar(line[nameLen]) {
			nameLen++
		}
		// No name, whitespace before the colon, or obs-fold: 400.
		if nameLen == 0 || nameLen >= len(line) || line[nameLen] != ':' {
			return 0, 400
		}
		headers++
		if headers > limits.MaxHeaders {
			return 0, 431
		}
		name, value := line[:nameLen], trimOWS(line[nameLen+1:])

		switch {
		case equalFold(name, "Content-Length"):
			if status := parseContentLength(value, seenLength, limits, req); status != 0 {
				return 0, status
			}
			seenLength = true
		case equalFold(name, "Transfer-Encoding"):
			return 0, 501
		case equalFold(name, "Host"):
			// RFC 9112 3.2: one Host, and a valid one.
			if seenHost || !validAuthority(value) {
				return 0, 400
			}
			seenHost = true
		case equalFold(name, "Connection"):
			parseConnection(value, &connClose, &connKeepAlive)
		}
	}

	// RFC 9112 3.2: an HTTP/1.1 request without Host is a 400.
	if req.VersionMinor == 1 && !seenHost {
		return 0, 400
	}
	if connClose {
		req.KeepAlive = false
	} else if connKeepAlive {
		req.KeepAlive = true
	}
	return pos, 0
}

// incomplete decides about a head with no line end yet at pos: over the
// limit, or garbage (refused at once, not at a limit or timeout), or
// wait for more (0).
func incomplete(buf []byte, pos int, limits *Limits, haveRequestLine bool) int {
	if len(buf) >= limits.MaxHeadBytes {
		return 431
	}
	tail := buf[pos:]
	if len(tail) > 0 && tail[len(tail)-1] == '\r' {
		tail = tail[:len(tail)-1]
	}
	if hasControl(tail) {
		return 400
	}
	// So is an unfinished request line with a bad method.  The CR of a
	// CRLF split across reads is not part of it: that may be an empty
	// line before the request.
	if !haveRequestLine {
		i := 0
		for i < len(tail) && isTchar(tail[i]) {
			i++
		}
		if i < len(tail) && tail[i] != ' ' {
			return 400
		}
	}
	return 0
}

func trimOWS(v []byte) []byte {
	for len(v) > 0 && (v[0] == ' ' || v[0] == '\t') {
		v = v[1:]
	}
	for len(v) > 0 && (v[len(v)-1] == ' ' || v[len(v)-1] == '\t') {
		v = v[:len(v)-1]
	}
	return v
}

// Content-Length: 1*DIGIT; a repeated field must repeat the same value.
func parseContentLength(v []byte, seen bool, limits *Limits, req *Request) int {
	if len(v) == 0 {
		return 400
	}
	value := 0
	for _, c := range v {
		if !isDigit(c) {
			return 400
		}
		d := int(c - '0')
		if value > (limits.MaxBodyBytes-d)/10 {
			return 413
		}
		value = value*10 + d
	}
	if value > limits.MaxBodyBytes {
		return 413
	}
	if seen && value != req.ContentLength {
		return 400
	}
	req.ContentLength = value
	return 0
}

// Connection: a comma-separated token list; close wins over keep-alive.
func parseConnection(v []byte, close, keepAlive *bool) {
	i := 0
	for i < len(v) {
		for i < len(v) && (v[i] == ' ' || v[i] == '\t' || v[i] == ',') {
			i++
		}
		start := i
		for i < len(v) && v[i] != ',' {
			i++
		}
		tok := trimOWS(v[start:i])
		if equalFold(tok, "close") {
			*close = true
		} else if equalFold(tok, "keep-alive") {
			*keepAlive = true
		}
	}
}
