//go:build !js

package browser

import (
	"errors"
	"time"
)

// Zone is the process's local zone. Natively it only serves prerendering at
// build time, where the page is rendered once and replaced in the browser.
type Zone struct {
	name string
}

// LocalZone names time.Local, or its offset when it has no useful name.
func LocalZone() Zone {
	name := time.Local.String()
	if name == "" || name == "Local" {
		name = offsetLabel(time.Now())
	}
	return Zone{name: name}
}

// Name implements ui.Zone.
func (z Zone) Name() string { return z.name }

// Location implements ui.Zone.
func (z Zone) Location() *time.Location { return time.Local }

// Clipboard has nothing to write to outside a browser.
type Clipboard struct{}

// WriteText always fails natively.
func (Clipboard) WriteText(string) error {
	return errors.New("clipboard: only available in the browser")
}
