package browser

import (
	"bytes"
	"context"
	"errors"
	"syscall/js"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// newBlob makes a Blob holding data, as a DOM File is one.
func newBlob(t *testing.T, data []byte) app.Value {
	t.Helper()
	arr := js.Global().Get("Uint8Array").New(len(data))
	js.CopyBytesToJS(arr, data)
	return app.ValueOf(js.Global().Get("Blob").New([]any{arr}))
}

func TestReadFile(t *testing.T) {
	data := []byte(`{"log":{"entries":[]}}` + "\x00\xff binary bytes pass unchanged")
	tests := []struct {
		name  string
		limit int
		want  []byte
	}{
		{"whole file", 1 << 20, data},
		{"limit equals size", len(data), data},
		{"over the limit: only the first limit bytes", 7, data[:7]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, size, err := Files{}.ReadFile(context.Background(), newBlob(t, data), tt.limit)
			if err != nil {
				t.Fatal(err)
			}
			if size != len(data) {
				t.Errorf("size = %d, want %d", size, len(data))
			}
			if !bytes.Equal(got, tt.want) {
				t.Errorf("read %q, want %q", got, tt.want)
			}
		})
	}
}

func TestReadFileRefusesNonBlob(t *testing.T) {
	_, _, err := Files{}.ReadFile(context.Background(), app.ValueOf("a string"), 10)
	if !errors.Is(err, ErrNotAFile) {
		t.Errorf("err = %v, want ErrNotAFile", err)
	}
}
