// Package heavy is go-server's heavy branch: the C servers' scratch of
// n bytes, filled with xorshift64 and digested with FNV-1a, held on the
// goroutine's own stack.  Go has no variable-sized stack arrays, so the
// scratch is a chain of calls, each with a fixed FrameBytes array in its
// frame: at the deepest call every byte of the scratch is on the stack,
// and the runtime must have grown the stack (by copying) to hold it.
// The digest is the C servers' for the same n, byte for byte.
package heavy

// FrameBytes is the scratch each call of the chain holds.
const FrameBytes = 4096

// MaxBytes keeps the chain well inside Go's default 1 GB stack limit
// (a stack grows by doubling, so n needs up to 2n of stack).
const MaxBytes = 256 << 20

type state struct {
	x      uint64 // xorshift64 state
	digest uint64 // FNV-1a so far
}

// Digest fills and digests n bytes of scratch on the calling goroutine's
// stack and returns the digest.
func Digest(n int) uint64 {
	st := state{x: 0x9e3779b97f4a7c15 ^ uint64(n), digest: 0xcbf29ce484222325}
	chain(n, &st)
	return st.digest
}

// chain holds one frame's share of the scratch, written then read back,
// and calls itself for the rest while it is still live.
//
//go:noinline
func chain(left int, st *state) {
	var scratch [FrameBytes]byte
	n := FrameBytes
	if left < n {
		n = left
	}
	x := st.x
	for i := 0; i < n; i++ {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		scratch[i] = byte(x)
	}
	st.x = x
	d := st.digest
	for i := 0; i < n; i++ {
		d ^= uint64(scratch[i])
		d *= 0x100000001b3
	}
	st.digest = d
	if left > n {
		chain(left-n, st)
	}
}
