// Package cliflag holds command-line numbers for the flag package,
// parsed as strictly as the C tools do (digits, and an optional K, M or
// G for byte counts), with errors that say what is wrong and the range.
package cliflag

import (
	"fmt"
	"strconv"
)

// Uint is a flag.Value: a whole number, or a byte count when Sizes, in
// [Min, Max], stored in *V; Set tells whether the flag was given.
type Uint struct {
	V        *uint64
	Min, Max uint64
	Sizes    bool // accept K, M, G suffixes (powers of 1024)
	Given    bool
}

func (f *Uint) String() string {
	if f.V == nil {
		return ""
	}
	return strconv.FormatUint(*f.V, 10)
}

func (f *Uint) Set(text string) error {
	scale := uint64(1)
	digits := text
	if f.Sizes && len(text) > 0 {
		switch text[len(text)-1] {
		case 'k', 'K':
			scale = 1 << 10
		case 'm', 'M':
			scale = 1 << 20
		case 'g', 'G':
			scale = 1 << 30
		}
		if scale > 1 {
			digits = text[:len(text)-1]
		}
	}
	what := "a whole number"
	if f.Sizes {
		what = "a byte count (digits, optional K, M or G suffix)"
	}
	if digits == "" || digits[0] < '0' || digits[0] > '9' {
		return fmt.Errorf("'%s' is not %s", text, what)
	}
	value, err := strconv.ParseUint(digits, 10, 64)
	if err != nil && err.(*strconv.NumError).Err != strconv.ErrRange {
		return fmt.Errorf("'%s' is not %s", text, what)
	}
	if err != nil || value > ^uint64(0)/scale || value*scale < f.Min || value*scale > f.Max {
		return fmt.Errorf("'%s' is out of range [%d, %d]", text, f.Min, f.Max)
	}
	*f.V = value * scale
	f.Given = true
	return nil
}
