package cliflag

import (
	"fmt"
	"strings"
)

// Version is the stacklab release, set at build time from the
// repository's VERSION (-ldflags -X); "unknown" in a bare go build.
var Version = "unknown"

// PrintVersion prints what --version prints: "PROG (stacklab) VERSION".
func PrintVersion(prog string) {
	fmt.Printf("%s (stacklab) %s\n", prog, Version)
}

// Explain words a flag package parse error the way the C tools do
// ("--flag", not "-flag"), with where to look next.
func Explain(prog string, err error) string {
	msg := strings.ReplaceAll(err.Error(), "for flag -", "for --")
	msg = strings.ReplaceAll(msg, "not defined: -", "not defined: --")
	return fmt.Sprintf("%s: %s (see '%s --help')", prog, msg, prog)
}
