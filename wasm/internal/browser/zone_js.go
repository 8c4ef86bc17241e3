package browser

import (
	"fmt"
	"time"

	"github.com/hack-pad/safejs"
)

// Zone is the viewer's time zone as the browser reports it.
//
// The location is time.Local: the Go wasm runtime sets it from the JS Date
// offset, which is right for "now" but knows no DST rules. The IANA name comes
// from Intl so the UI can print "Europe/Berlin" instead of a bare offset.
type Zone struct {
	name string
}

// LocalZone asks Intl for the zone name and falls back to an offset label
// ("UTC+1") when Intl is missing or answers nothing.
func LocalZone() Zone {
	name, err := IntlZoneName()
	if err != nil || name == "" {
		name = offsetLabel(time.Now())
	}
	return Zone{name: name}
}

// Name implements ui.Zone.
func (z Zone) Name() string { return z.name }

// Location implements ui.Zone.
func (z Zone) Location() *time.Location { return time.Local }

// IntlZoneName returns Intl.DateTimeFormat().resolvedOptions().timeZone.
func IntlZoneName() (string, error) {
	intl, err := safejs.Global().Get("Intl")
	if err != nil {
		return "", fmt.Errorf("zone: reading Intl: %w", err)
	}
	if intl.IsUndefined() {
		return "", fmt.Errorf("zone: Intl is not available")
	}
	dtf, err := intl.Call("DateTimeFormat")
	if err != nil {
		return "", fmt.Errorf("zone: Intl.DateTimeFormat(): %w", err)
	}
	opts, err := dtf.Call("resolvedOptions")
	if err != nil {
		return "", fmt.Errorf("zone: resolvedOptions(): %w", err)
	}
	tz, err := opts.Get("timeZone")
	if err != nil {
		return "", fmt.Errorf("zone: reading timeZone: %w", err)
	}
	if tz.Type() != safejs.TypeString {
		return "", fmt.Errorf("zone: timeZone is a %v, not a string", tz.Type())
	}
	return tz.String()
}
