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
// costs no more memory than the limit; the bytes come through Blob.stream,
// and the awaiting goroutine lets the page run between chunks.
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
	data, err := readStream(ctx, part, min(size, limit))
	if err != nil {
		return nil, 0, fmt.Errorf("reading a file: %w", err)
	}
	return data, size, nil
}

// readStream reads a Blob through Blob.stream(), chunk by chunk. Each
// chunk is its own task: Blob.arrayBuffer() of 20 MB made tasks of
// 100-200 ms on a loaded machine, as did copying it into Go in one piece.
func readStream(ctx context.Context, blob safejs.Value, want int) ([]byte, error) {
	stream, err := blob.Call("stream")
	if err != nil {
		return nil, err
	}
	reader, err := stream.Call("getReader")
	if err != nil {
		return nil, err
	}
	data := make([]byte, 0, want)
	lastYield := 0
	for {
		if ctx.Err() != nil {
			_, _ = reader.Call("cancel")
			return nil, ctx.Err()
		}
		p, err := reader.Call("read")
		if err != nil {
			return nil, err
		}
		res, err := Await(ctx, p)
		if err != nil {
			_, _ = reader.Call("cancel")
			return nil, err
		}
		doneV, err := res.Get("done")
		if err != nil {
			return nil, err
		}
		if done, _ := doneV.Bool(); done {
			return data, nil
		}
		chunk, err := res.Get("value")
		if err != nil {
			return nil, err
		}
		n, err := chunk.Length()
		if err != nil {
			return nil, err
		}
		at := len(data)
		if at+n > want {
			// The file grew since its size was read: keep to the limit.
			n = want - at
			if chunk, err = chunk.Call("subarray", 0, n); err != nil {
				return nil, err
			}
		}
		data = data[:at+n]
		if _, err := safejs.CopyBytesToGo(data[at:], chunk); err != nil {
			return nil, err
		}
		if len(data) == want {
			_, _ = reader.Call("cancel")
			return data, nil
		}
		// A file's chunks are often ready at once, and a resolved read
		// continues in the same task: hand the event loop back now and then.
		if len(data)-lastYield >= yieldBytes {
			lastYield = len(data)
			if err := Yield(ctx); err != nil {
				_, _ = reader.Call("cancel")
				return nil, err
			}
		}
	}
}

// yieldBytes is how much of a file is read between two hand-backs to the
// browser.
const yieldBytes = 1 << 20

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
