package http1

import (
	"fmt"
	"strconv"
)

// Reason is the reason phrase of a status we send, "Unknown" otherwise.
func Reason(status int) string {
	switch status {
	case 200:
		return "OK"
	case 400:
		return "Bad Request"
	case 404:
		return "Not Found"
	case 405:
		return "Method Not Allowed"
	case 408:
		return "Request Timeout"
	case 413:
		return "Content Too Large"
	case 431:
		return "Request Header Fields Too Large"
	case 501:
		return "Not Implemented"
	case 503:
		return "Service Unavailable"
	case 505:
		return "HTTP Version Not Supported"
	}
	return "Unknown"
}

// AppendResponse appends a whole response (head, then body unless
// headOnly) to out, with the C servers' fixed header set and no Date, so
// that every server answers byte for byte alike.
func AppendResponse(out []byte, status int, keepAlive, headOnly bool, body []byte) []byte {
	out = append(out, "HTTP/1.1 "...)
	out = strconv.AppendInt(out, int64(status), 10)
	out = append(out, ' ')
	out = append(out, Reason(status)...)
	out = append(out, "\r\nServer: stacklab\r\nContent-Type: text/plain\r\nContent-Length: "...)
	out = strconv.AppendInt(out, int64(len(body)), 10)
	out = append(out, "\r\n"...)
	if status == 405 {
		out = append(out, "Allow: GET, HEAD\r\n"...)
	}
	if keepAlive {
		out = append(out, "Connection: keep-alive\r\n\r\n"...)
	} else {
		out = append(out, "Connection: close\r\n\r\n"...)
	}
	if headOnly {
		return out
	}
	return append(out, body...)
}

// AppendError appends an error response, always "Connection: close".
func AppendError(out []byte, status int) []byte {
	body := fmt.Sprintf("%d %s\n", status, Reason(status))
	return AppendResponse(out, status, false, false, []byte(body))
}
