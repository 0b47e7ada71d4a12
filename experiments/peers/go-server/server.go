package main

import (
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"stacklab/go-server/http1"
)

// server: the listener, the live connections, and the stop.
type server struct {
	cfg      *config
	ln       *net.TCPListener
	requests atomic.Uint64
	stopping atomic.Bool

	mu       sync.Mutex
	live     map[*net.TCPConn]struct{}
	emptied  chan struct{} // closed when live empties after the stop
	deadline time.Time     // of the stop, set before stopping
}

func newServer(cfg *config, ln *net.TCPListener) *server {
	return &server{cfg: cfg, ln: ln, live: make(map[*net.TCPConn]struct{}),
		emptied: make(chan struct{})}
}

// acceptLoop runs one goroutine per connection until the listener closes.
func (s *server) acceptLoop() {
	var fdWarned, fullWarned time.Time

	for {
		c, err := s.ln.AcceptTCP()
		if err != nil {
			if errors.Is(err, net.ErrClosed) || s.stopping.Load() {
				return
			}
			// EMFILE and the like: back off rather than spin.
			warnLimited(&fdWarned, fmt.Sprintf("accept: %v; backing off (raise ulimit -n)", err))
			time.Sleep(10 * time.Millisecond)
			continue
		}
		if !s.add(c) {
			warnLimited(&fullWarned, "--max-conns reached: answering 503")
			refuse(c, 503)
			continue
		}
		go func() {
			s.serve(c)
			s.remove(c)
			c.Close()
		}()
	}
}

func (s *server) add(c *net.TCPConn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopping.Load() || uint64(len(s.live)) >= s.cfg.maxConns {
		return false
	}
	s.live[c] = struct{}{}
	return true
}

func (s *server) remove(c *net.TCPConn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.live, c)
	if len(s.live) == 0 && s.stopping.Load() {
		select {
		case <-s.emptied:
		default:
			close(s.emptied)
		}
	}
}

// stop closes the listener and wakes every connection's read: idle ones
// end at once, busy ones after the response in progress, and no write
// outlasts the deadline.  It returns how
// many are still live at the --shutdown-timeout deadline.
func (s *server) stop() int {
	s.deadline = time.Now().Add(s.cfg.shutdownTimeout)
	s.ln.Close()
	s.mu.Lock()
	s.stopping.Store(true)
	for c := range s.live {
		c.SetReadDeadline(time.Now())
		// A client that does not read cannot hold a write past it.
		c.SetWriteDeadline(s.deadline)
	}
	if len(s.live) == 0 {
		close(s.emptied)
	}
	s.mu.Unlock()

	select {
	case <-s.emptied:
		return 0
	case <-time.After(time.Until(s.deadline)):
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.live)
}

// stopDeadline bounds the last linger of a connection closed by the stop.
func (s *server) stopDeadline() time.Time {
	soon := time.Now().Add(time.Second)
	if s.deadline.Before(soon) {
		return s.deadline
	}
	return soon
}

// refuse answers status without waiting on the client, and closes.
func refuse(c *net.TCPConn, status int) {
	c.SetWriteDeadline(time.Now().Add(100 * time.Millisecond))
	c.Write(http1.AppendError(nil, status))
	c.Close()
}

// warnLimited prints at most one line a second for a repeated condition.
func warnLimited(last *time.Time, what string) {
	if now := time.Now(); now.Sub(*last) >= time.Second {
		fmt.Fprintf(os.Stderr, "%s: %s\n", prog, what)
		*last = now
	}
}
