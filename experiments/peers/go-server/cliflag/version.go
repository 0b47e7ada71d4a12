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

// Explain words a flag package parse error on one line, the way the C
// tools do: an unknown or value-less flag named as the user would type it
// with "try 'PROG --help'"; a bad value as "PROG: --FLAG: REASON".
func Explain(prog string, err error) string {
	const unknown, missing = "flag provided but not defined: -", "flag needs an argument: -"
	const invalid = " for flag -"
	msg := err.Error()
	try := fmt.Sprintf("; try '%s --help'", prog)

	switch {
	case strings.HasPrefix(msg, unknown):
		return fmt.Sprintf("%s: unknown option '%s'%s", prog, dashed(msg[len(unknown):]), try)
	case strings.HasPrefix(msg, missing):
		return fmt.Sprintf("%s: missing value for option '%s'%s", prog, dashed(msg[len(missing):]), try)
	case strings.HasPrefix(msg, "invalid value ") && strings.Contains(msg, invalid):
		// invalid value "TEXT" for flag -NAME: REASON
		rest := msg[strings.Index(msg, invalid)+len(invalid):]
		if i := strings.Index(rest, ": "); i >= 0 {
			return fmt.Sprintf("%s: %s: %s", prog, dashed(rest[:i]), rest[i+2:])
		}
	}
	return fmt.Sprintf("%s: %s%s", prog, msg, try)
}

// dashed is a flag's name as the C tools spell it: -x, or --name.
func dashed(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}
