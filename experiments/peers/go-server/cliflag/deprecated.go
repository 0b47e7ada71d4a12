package cliflag

import (
	"flag"
	"fmt"
	"os"
)

// Deprecated is an old spelling of a flag that still works for one
// release: it sets what the new one sets and warns on stderr, in the
// C tools' words.
type Deprecated struct {
	flag.Value
	Prog, Old, New string
}

func (d *Deprecated) Set(text string) error {
	fmt.Fprintf(os.Stderr, "%s: warning: %s is deprecated and goes in the next release: use %s\n",
		d.Prog, d.Old, d.New)
	return d.Value.Set(text)
}
