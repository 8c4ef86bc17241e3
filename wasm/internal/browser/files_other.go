//go:build !js

package browser

import (
	"context"
	"errors"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// ErrNotAFile is returned for a value that is not a Blob (a File is one).
var ErrNotAFile = errors.New("not a file")

// Files reads nothing natively: there are no DOM files to read.
type Files struct{}

// ReadFile reports that natively there is no file to read.
func (Files) ReadFile(context.Context, app.Value, int) ([]byte, int, error) {
	return nil, 0, ErrNotAFile
}
