package http1

// Conn is one connection's protocol state, free of IO: skip what is
// left of the previous request's body, then parse the next request head.
type Conn struct {
	DrainLeft int // body bytes of the last request still to skip
}

// Step is what Conn.Step found.
type Step int

const (
	More    Step = iota // receive more, append it, step again
	Ready               // *req is ready; its Path points into buf
	Refused             // send FormatError(status), close
)

// Step goes over buf, the bytes received and not yet used.  used is how
// many of them this step consumed (drained body bytes, then the head on
// Ready); the caller keeps buf[used:] for the next step.
func (c *Conn) Step(buf []byte, limits *Limits, req *Request) (step Step, used, status int) {
	used = c.DrainLeft
	if used > len(buf) {
		used = len(buf)
	}
	c.DrainLeft -= used
	if c.DrainLeft > 0 {
		return More, used, 0
	}
	head, status := ParseRequest(buf[used:], limits, req)
	if status != 0 {
		return Refused, used, status
	}
	if head == 0 {
		return More, used, 0
	}
	c.DrainLeft = req.ContentLength
	return Ready, used + head, 0
}
