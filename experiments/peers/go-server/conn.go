package main

import (
	"errors"
	"net"
	"os"
	"time"

	"stacklab/go-server/heavy"
	"stacklab/go-server/http1"
	"stacklab/go-server/workload"
)

// What an erroring client may still send before we close on it.
const lingerMaxBytes = 256 * 1024

// The receive buffer starts like fut-server's (4 KiB, net/http's bufio
// size too) and grows, up to a whole head plus 4 KiB, only for a head
// that needs it.
const recvStartBytes = 4096

func recvCapBytes(cfg *config) int { return cfg.limits.MaxHeadBytes + 4096 }

// serve answers requests on c until the peer closes, a response says
// close, an error answer is sent, the idle timeout passes or the server
// stops.  A head must be finished within the idle timeout of its first
// byte, so trickling a byte at a time (slowloris) cannot hold a goroutine
// forever.  On stop, the request being answered is finished and nothing
// pipelined behind it is served.
func (s *server) serve(c *net.TCPConn) {
	cfg := s.cfg
	maxCap := recvCapBytes(cfg)
	buf := make([]byte, 0, recvStartBytes)
	var conn http1.Conn
	var req http1.Request
	var out []byte
	var headDeadline time.Time

	c.SetReadDeadline(time.Now().Add(cfg.idleTimeout))
	for {
		step, used, status := conn.Step(buf, &cfg.limits, &req)
		if step == http1.Refused {
			sendErrorAndLinger(c, status)
			return
		}
		if step == http1.Ready {
			keep := req.KeepAlive
			out = s.answer(out[:0], &req)
			if _, err := c.Write(out); err != nil || !keep || s.stopping.Load() {
				if err == nil && keep {
					linger(c, s.stopDeadline())
				}
				return
			}
		}
		buf = buf[:copy(buf, buf[used:])]
		if step == http1.Ready {
			continue
		}

		// More is needed: an idle wait, or a head being finished.
		deadline := time.Now().Add(cfg.idleTimeout)
		if len(buf) > 0 && conn.DrainLeft == 0 {
			if headDeadline.IsZero() {
				headDeadline = deadline
			}
			deadline = headDeadline
		} else {
			headDeadline = time.Time{}
		}
		// Deadline first, then the flag: a stop between the two still
		// moves this deadline to now (see server.stop).
		c.SetReadDeadline(deadline)
		if s.stopping.Load() {
			return
		}
		if len(buf) == cap(buf) {
			grown := make([]byte, len(buf), min(2*cap(buf), maxCap))
			copy(grown, buf)
			buf = grown
		}
		n, err := c.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == nil || n > 0 {
			continue
		}
		// The stop wakes readers by moving their deadline to now.
		if s.stopping.Load() {
			return
		}
		if errors.Is(err, os.ErrDeadlineExceeded) {
			sendErrorAndLinger(c, 408)
		}
		return
	}
}

func min(a, b int) int {
	if a < b {
		return a
	}
	return b
}

func (s *server) answer(out []byte, req *http1.Request) []byte {
	route := workload.RouteOf(req)
	var digest uint64

	if route == workload.Heavy {
		digest = heavy.Digest(s.cfg.heavyBytes)
	}
	s.requests.Add(1)
	return workload.AppendResponse(out, route, req, s.cfg.heavyBytes, digest)
}

// sendErrorAndLinger answers an error, then closes without losing the
// answer: closing with unread input makes the kernel send RST, which can
// destroy the response before the client reads it.
func sendErrorAndLinger(c *net.TCPConn, status int) {
	if _, err := c.Write(http1.AppendError(nil, status)); err != nil {
		return
	}
	linger(c, time.Now().Add(time.Second))
}

// linger half-closes c and drains what the client still sends, for a
// bounded time and amount, so that our last response reaches it.
func linger(c *net.TCPConn, until time.Time) {
	var sink [4096]byte

	if c.CloseWrite() != nil {
		return
	}
	c.SetReadDeadline(until)
	for drained := 0; drained < lingerMaxBytes; {
		n, err := c.Read(sink[:])
		if err != nil {
			return
		}
		drained += n
	}
}
