package main

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"slices"
)

// MaxZeroGap is the longest run of zeros Pack writes out to join two
// segments. Measured on app.wasm (gzip -9 bytes): gaps under 16 joined
// 2,182,890; under 32, 2,033,149; under 64, 2,032,640; under 256,
// 2,033,629; everything in one segment, 2,039,318 (and 4.7 MB more raw
// bytes). Longer gaps (the ends of sections, bss-like tables) stay gaps.
const MaxZeroGap = 64

// Errors Pack reports; the build stops on each.
var (
	ErrNotWasm     = errors.New("not a WebAssembly module")
	ErrMalformed   = errors.New("malformed WebAssembly module")
	ErrUnsupported = errors.New("data segment form not written by Go's linker")
	ErrOverlap     = errors.New("data segments overlap")
)

const (
	sectionData      = 11
	sectionDataCount = 12

	segmentActiveMem0 = 0x00 // flags: active, memory 0, offset expression follows
	opI32Const        = 0x41
	opEnd             = 0x0b
)

var magic = []byte{0x00, 'a', 's', 'm', 0x01, 0x00, 0x00, 0x00}

// Segment is an active data segment of memory 0: Data is written at Offset.
type Segment struct {
	Offset uint32
	Data   []byte
}

// Pack returns module b with its data segments joined wherever the gap
// between one's end and the next one's offset is shorter than maxGap (the
// gap written as zeros). Every other section is copied byte for byte. A
// data count section (bulk memory; Go's linker writes none) is refused:
// its count would go stale.
func Pack(b []byte, maxGap int) ([]byte, error) {
	if len(b) < len(magic) || !bytes.Equal(b[:len(magic)], magic) {
		return nil, ErrNotWasm
	}
	out := append([]byte(nil), b[:len(magic)]...)
	for off := len(magic); off < len(b); {
		id := b[off]
		n, body, err := uleb(b, off+1)
		if err != nil {
			return nil, err
		}
		end := body + int(n)
		if n > uint64(len(b)-body) {
			return nil, fmt.Errorf("%w: section %d runs past the end", ErrMalformed, id)
		}
		switch id {
		case sectionData:
			segs, err := ParseData(b[body:end])
			if err != nil {
				return nil, err
			}
			joined, err := Join(segs, maxGap)
			if err != nil {
				return nil, err
			}
			out = appendSection(out, sectionData, AppendData(nil, joined))
		case sectionDataCount:
			return nil, fmt.Errorf("%w: a data count section", ErrUnsupported)
		default:
			out = append(out, b[off:end]...)
		}
		off = end
	}
	return out, nil
}

// ParseData reads a data section's body. Only the form Go's linker writes
// is accepted: active segments of memory 0 at an i32.const offset. (They
// are not in address order: the linker writes its sections in its own
// order, and .gopclntab lies below the end of the one written before it.)
func ParseData(b []byte) ([]Segment, error) {
	count, off, err := uleb(b, 0)
	if err != nil {
		return nil, err
	}
	if count > uint64(len(b)) {
		return nil, fmt.Errorf("%w: %d segments in %d bytes", ErrMalformed, count, len(b))
	}
	segs := make([]Segment, 0, count)
	for i := range int(count) {
		if off+2 > len(b) || b[off] != segmentActiveMem0 || b[off+1] != opI32Const {
			return nil, fmt.Errorf("%w: segment %d", ErrUnsupported, i)
		}
		at, p, err := sleb32(b, off+2)
		if err != nil {
			return nil, err
		}
		if p >= len(b) || b[p] != opEnd {
			return nil, fmt.Errorf("%w: segment %d offset is not a lone i32.const", ErrUnsupported, i)
		}
		n, p, err := uleb(b, p+1)
		if err != nil {
			return nil, err
		}
		if n > uint64(len(b)-p) {
			return nil, fmt.Errorf("%w: segment %d runs past the section", ErrMalformed, i)
		}
		if at < 0 {
			return nil, fmt.Errorf("%w: segment %d at negative offset %d", ErrUnsupported, i, at)
		}
		if uint64(at)+n > 1<<32 {
			return nil, fmt.Errorf("%w: segment %d ends past 4 GiB", ErrMalformed, i)
		}
		segs = append(segs, Segment{Offset: uint32(at), Data: b[p : p+int(n)]})
		off = p + int(n)
	}
	if off != len(b) {
		return nil, fmt.Errorf("%w: %d bytes after the last segment", ErrMalformed, len(b)-off)
	}
	return segs, nil
}

// Join sorts segments by offset and merges those whose gap is shorter than
// maxGap, filling the gap with zeros. Overlapping segments are refused:
// active segments are applied in order, so only when none overlaps is the
// memory they leave independent of their order.
func Join(segs []Segment, maxGap int) ([]Segment, error) {
	sorted := slices.SortedStableFunc(slices.Values(segs), func(a, b Segment) int { return cmp.Compare(a.Offset, b.Offset) })
	var out []Segment
	for _, s := range sorted {
		if len(out) > 0 {
			last := &out[len(out)-1]
			end := uint64(last.Offset) + uint64(len(last.Data))
			if uint64(s.Offset) < end {
				return nil, fmt.Errorf("%w: segment at %d before %d", ErrOverlap, s.Offset, end)
			}
			if gap := uint64(s.Offset) - end; gap < uint64(maxGap) {
				last.Data = append(last.Data, make([]byte, gap)...)
				last.Data = append(last.Data, s.Data...)
				continue
			}
		}
		out = append(out, Segment{Offset: s.Offset, Data: append([]byte(nil), s.Data...)})
	}
	return out, nil
}

// AppendData appends the body of a data section holding segs.
func AppendData(b []byte, segs []Segment) []byte {
	b = appendULEB(b, uint64(len(segs)))
	for _, s := range segs {
		b = append(b, segmentActiveMem0, opI32Const)
		b = appendSLEB(b, int64(int32(s.Offset)))
		b = append(b, opEnd)
		b = appendULEB(b, uint64(len(s.Data)))
		b = append(b, s.Data...)
	}
	return b
}

func appendSection(b []byte, id byte, body []byte) []byte {
	b = append(b, id)
	b = appendULEB(b, uint64(len(body)))
	return append(b, body...)
}

// uleb reads an unsigned LEB128 of at most 5 bytes (a u32) at b[off]; it
// returns the value and the offset after it.
func uleb(b []byte, off int) (uint64, int, error) {
	var v uint64
	for i := range 5 {
		if off >= len(b) {
			return 0, 0, fmt.Errorf("%w: truncated LEB128", ErrMalformed)
		}
		c := b[off]
		off++
		v |= uint64(c&0x7f) << (7 * i)
		if c&0x80 == 0 {
			return v, off, nil
		}
	}
	return 0, 0, fmt.Errorf("%w: LEB128 too long", ErrMalformed)
}

// sleb32 reads a signed LEB128 of at most 5 bytes (an i32 constant).
func sleb32(b []byte, off int) (int64, int, error) {
	var v int64
	var shift uint
	for range 5 {
		if off >= len(b) {
			return 0, 0, fmt.Errorf("%w: truncated LEB128", ErrMalformed)
		}
		c := b[off]
		off++
		v |= int64(c&0x7f) << shift
		shift += 7
		if c&0x80 == 0 {
			if shift < 64 && c&0x40 != 0 {
				v |= -1 << shift
			}
			return int64(int32(v)), off, nil
		}
	}
	return 0, 0, fmt.Errorf("%w: LEB128 too long", ErrMalformed)
}

func appendULEB(b []byte, v uint64) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v == 0 {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

func appendSLEB(b []byte, v int64) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if (v == 0 && c&0x40 == 0) || (v == -1 && c&0x40 != 0) {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}
