// Package workload is the work every stacklab server does for a
// request, ported from the C servers: "GET /" answers a short body;
// "GET /heavy" digests --heavy-bytes of scratch (package heavy).
package workload

import (
	"fmt"

	"stacklab/go-server/http1"
)

// DefaultHeavyBytes is the C servers' default --heavy-bytes.
const DefaultHeavyBytes = 256 * 1024

// Route is where a request goes.
type Route int

const (
	Root Route = iota
	Heavy
	NotFound
	NotAllowed
)

// RouteOf routes by method and path (the query is already stripped).
func RouteOf(req *http1.Request) Route {
	if req.Method == http1.Other {
		return NotAllowed
	}
	switch string(req.Path) {
	case "/":
		return Root
	case "/heavy":
		return Heavy
	}
	return NotFound
}

// AppendResponse appends the answer to req on route; digest is used by
// Heavy only.
func AppendResponse(out []byte, route Route, req *http1.Request, heavyBytes int, digest uint64) []byte {
	status := 200
	var body string

	switch route {
	case Root:
		body = "hello from stacklab\n"
	case Heavy:
		body = fmt.Sprintf("heavy %d bytes digest %016x\n", heavyBytes, digest)
	case NotFound:
		status, body = 404, "404 Not Found\n"
	default:
		status, body = 405, "405 Method Not Allowed\n"
	}
	return http1.AppendResponse(out, status, req.KeepAlive, req.Method == http1.Head, []byte(body))
}
