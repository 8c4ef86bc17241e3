package browser

import (
	"context"
	"errors"
	"fmt"
	"syscall/js"

	"github.com/hack-pad/safejs"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// ErrNotAFile is returned for a value that is not a Blob (a File is one).
var ErrNotAFile = errors.New("not a file")

// Files reads the DOM File objects the page gets from input#file and from
// a drop (ui.FileReader). The bytes go from the browser's Blob straight
// into Go memory: nothing is written anywhere, and the file's text never
// passes through the DOM.
type Files struct{}

// ReadFile returns the first limit bytes of file and the file's whole size.
// Blob.slice cuts the file before it is read, so a file far over the limit
// costs no more memory than the limit; Blob.arrayBuffer reads off the main
// thread, and the awaiting goroutine lets the page run meanwhile.
func (Files) ReadFile(ctx context.Context, file app.Value, limit int) ([]byte, int, error) {
	f := fromApp(file)
	blob, err := safejs.Global().Get("Blob")
	if err != nil {
		return nil, 0, fmt.Errorf("reading a file: %w", err)
	}
	if ok, err := f.InstanceOf(blob); err != nil || !ok {
		return nil, 0, ErrNotAFile
	}
	sizeV, err := f.Get("size")
	if err != nil {
		return nil, 0, fmt.Errorf("reading a file: %w", err)
	}
	size, err := sizeV.Int()
	if err != nil {
		return nil, 0, fmt.Errorf("reading a file's size: %w", err)
	}
	part := f
	if size > limit {
		if part, err = f.Call("slice", 0, limit); err != nil {
			return nil, 0, fmt.Errorf("reading a file: %w", err)
		}
	}
	p, err := part.Call("arrayBuffer")
	if err != nil {
		return nil, 0, fmt.Errorf("reading a file: %w", err)
	}
	buf, err := Await(ctx, p)
	if err != nil {
		return nil, 0, fmt.Errorf("reading a file: %w", err)
	}
	u8, err := safejs.Global().Get("Uint8Array")
	if err != nil {
		return nil, 0, fmt.Errorf("reading a file: %w", err)
	}
	arr, err := u8.New(buf)
	if err != nil {
		return nil, 0, fmt.Errorf("reading a file: %w", err)
	}
	n, err := arr.Length()
	if err != nil {
		return nil, 0, fmt.Errorf("reading a file: %w", err)
	}
	data := make([]byte, n)
	// One copy of 20 MB is a task of about 100 ms on a slow machine: copy
	// in slices and hand the event loop back between them.
	for off := 0; off < n; off += copyChunk {
		end := min(off+copyChunk, n)
		part, err := arr.Call("subarray", off, end)
		if err != nil {
			return nil, 0, fmt.Errorf("reading a file: %w", err)
		}
		if _, err := safejs.CopyBytesToGo(data[off:end], part); err != nil {
			return nil, 0, fmt.Errorf("reading a file: %w", err)
		}
		if end < n {
			if err := Yield(ctx); err != nil {
				return nil, 0, err
			}
		}
	}
	return data, size, nil
}

// copyChunk is how much of a file is copied into Go memory in one task.
const copyChunk = 2 << 20

// fromApp turns a go-app value into a safejs one. go-app keeps its
// syscall/js value private; handing it as an argument to a Go function
// made callable from JS gives it back as a js.Value, synchronously and
// without putting it anywhere global.
func fromApp(v app.Value) safejs.Value {
	var out js.Value
	fn := js.FuncOf(func(_ js.Value, args []js.Value) any {
		if len(args) > 0 {
			out = args[0]
		}
		return nil
	})
	defer fn.Release()
	app.ValueOf(fn.Value).Invoke(v)
	return safejs.Safe(out)
}
