package cliflag

import (
	"fmt"
	"math/bits"
	"time"
)

// Duration is a flag.Value: a duration as the C tools read them, a
// number (fractions allowed: "1.5s") with an optional unit ns, us, ms,
// s, m or h, a bare number being seconds; in [Min, Max], stored in *V.
type Duration struct {
	V        *time.Duration
	Min, Max time.Duration
}

var units = []struct {
	name string
	ns   uint64
}{
	{"h", uint64(time.Hour)}, {"m", uint64(time.Minute)}, {"s", uint64(time.Second)},
	{"ms", uint64(time.Millisecond)}, {"us", uint64(time.Microsecond)}, {"ns", 1},
}

func (f *Duration) String() string {
	if f.V == nil {
		return ""
	}
	return FormatDuration(*f.V)
}

func (f *Duration) Set(text string) error {
	bad := fmt.Errorf("'%s' is not a duration (a number with an optional unit ns, us, ms, s, m or h, e.g. 500ms, 2s, 1m; a bare number is seconds)", text)
	i, whole, frac, den := 0, uint64(0), uint64(0), uint64(1)
	overflow := false

	if text == "" || text[0] < '0' || text[0] > '9' {
		return bad
	}
	for ; i < len(text) && text[i] >= '0' && text[i] <= '9'; i++ {
		hi, lo := bits.Mul64(whole, 10)
		whole = lo + uint64(text[i]-'0')
		overflow = overflow || hi != 0 || whole < lo
	}
	if i < len(text) && text[i] == '.' {
		i++
		if i >= len(text) || text[i] < '0' || text[i] > '9' {
			return bad
		}
		// Fraction digits past 18 cannot change a result in nanoseconds.
		for ; i < len(text) && text[i] >= '0' && text[i] <= '9'; i++ {
			if den < 1e18 {
				frac, den = frac*10+uint64(text[i]-'0'), den*10
			}
		}
	}
	unit := uint64(0)
	if i == len(text) {
		unit = uint64(time.Second)
	}
	for _, u := range units {
		if text[i:] == u.name {
			unit = u.ns
		}
	}
	if unit == 0 {
		return bad
	}
	hi, ns := bits.Mul64(whole, unit)
	fhi, flo := bits.Mul64(frac, unit)
	part, _ := bits.Div64(fhi, flo, den)
	ns += part
	if overflow || hi != 0 || ns < part || ns > uint64(f.Max) || ns < uint64(f.Min) {
		return fmt.Errorf("'%s' is out of range [%s, %s]", text, FormatDuration(f.Min), FormatDuration(f.Max))
	}
	*f.V = time.Duration(ns)
	return nil
}

// FormatDuration writes d the way Duration reads it, in the largest unit
// that holds it exactly ("1500ms", "2s", "1m").
func FormatDuration(d time.Duration) string {
	for _, u := range units {
		if uint64(d)%u.ns == 0 && d != 0 {
			return fmt.Sprintf("%d%s", uint64(d)/u.ns, u.name)
		}
	}
	return "0s"
}
