package token

import (
	"strconv"
	"testing"
)

// assemble's allocations must not grow with the chunk index: a gap is one
// range, whether it spans one index or 998.
func TestAssembleAllocationsIndependentOfIndex(t *testing.T) {
	allocs := func(idx int) float64 {
		parts := map[int]cookie{idx: {name: "c0." + strconv.Itoa(idx), value: "eyJ.a.b"}}
		return testing.AllocsPerRun(100, func() { assemble("c0", parts) })
	}
	low, high := allocs(1), allocs(999)
	if high > low {
		t.Errorf("assemble allocates %.0f times for c0.999, %.0f for c0.1", high, low)
	}
	if c := assemble("c0", map[int]cookie{999: {name: "c0.999", value: "v"}}); len(c.join.missing) != 1 || c.join.missing[0] != (ChunkRange{0, 998}) {
		t.Errorf("missing %v, want one range 0..998", c.join.missing)
	}
}
