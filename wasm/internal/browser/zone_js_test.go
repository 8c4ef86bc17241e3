package browser

import (
	"os"
	"strings"
	"testing"
)

func TestIntlZoneName(t *testing.T) {
	name, err := IntlZoneName()
	if err != nil {
		t.Fatal(err)
	}
	if name == "" {
		t.Fatal("empty zone name")
	}
	// build.sh runs these tests with TZ set, so Node's Intl must report it.
	if tz := os.Getenv("TZ"); tz != "" && !strings.HasPrefix(tz, ":") && name != tz {
		t.Errorf("Intl says %q, TZ is %q", name, tz)
	}
	if got := LocalZone().Name(); got != name {
		t.Errorf("LocalZone().Name() = %q, want %q", got, name)
	}
	if LocalZone().Location() == nil {
		t.Error("nil location")
	}
}
