// Package harfixtures holds the HAR and log fixtures recorded from real
// next-auth 4.24, @auth/core 0.41, Django SimpleJWT and Chromium (see
// README.md), the HAR 1.2 types the recorder writes them with, and the two
// documented transformations applied to recorded HARs: Sanitize (Chrome's
// default "Export HAR (sanitized)") and BuildLarge (the 20 MB HAR).
//
// It contains no analysis: readers of the fixtures live elsewhere and are
// tested against Manifest's facts.
package harfixtures

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// HAR is a HAR 1.2 document as Chrome's DevTools export writes it, with its
// custom fields (_initiator, _resourceType, _priority, ...).
type HAR struct {
	Log Log `json:"log"`
}

// Log is HAR's log object.
type Log struct {
	Version string  `json:"version"`
	Creator Creator `json:"creator"`
	Pages   []Page  `json:"pages"`
	Entries []Entry `json:"entries"`
}

// Creator names the program that wrote the HAR.
type Creator struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Page is one page load the entries belong to.
type Page struct {
	StartedDateTime string      `json:"startedDateTime"`
	ID              string      `json:"id"`
	Title           string      `json:"title"`
	PageTimings     PageTimings `json:"pageTimings"`
}

// PageTimings are the page's load milestones in ms (-1: not known).
type PageTimings struct {
	OnContentLoad float64 `json:"onContentLoad"`
	OnLoad        float64 `json:"onLoad"`
}

// Entry is one request and its response.
type Entry struct {
	Initiator       json.RawMessage `json:"_initiator,omitempty"`
	Priority        string          `json:"_priority,omitempty"`
	ResourceType    string          `json:"_resourceType"`
	Connection      string          `json:"connection,omitempty"`
	Pageref         string          `json:"pageref,omitempty"`
	Request         Request         `json:"request"`
	Response        Response        `json:"response"`
	ServerIPAddress string          `json:"serverIPAddress,omitempty"`
	StartedDateTime string          `json:"startedDateTime"`
	Time            float64         `json:"time"`
	Timings         Timings         `json:"timings"`
	Cache           struct{}        `json:"cache"`
}

// Request is HAR's request object.
type Request struct {
	Method      string      `json:"method"`
	URL         string      `json:"url"`
	HTTPVersion string      `json:"httpVersion"`
	Headers     []NameValue `json:"headers"`
	QueryString []NameValue `json:"queryString"`
	Cookies     []Cookie    `json:"cookies"`
	HeadersSize int         `json:"headersSize"`
	BodySize    int         `json:"bodySize"`
	PostData    *PostData   `json:"postData,omitempty"`
}

// Response is HAR's response object.
type Response struct {
	Status       int         `json:"status"`
	StatusText   string      `json:"statusText"`
	HTTPVersion  string      `json:"httpVersion"`
	Headers      []NameValue `json:"headers"`
	Cookies      []Cookie    `json:"cookies"`
	Content      Content     `json:"content"`
	RedirectURL  string      `json:"redirectURL"`
	HeadersSize  int         `json:"headersSize"`
	BodySize     int         `json:"bodySize"`
	TransferSize int         `json:"_transferSize"`
	Error        *string     `json:"_error"`
}

// NameValue is a header or query parameter.
type NameValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Cookie is a request cookie (name, value) or a response Set-Cookie with its
// attributes.
type Cookie struct {
	Name     string `json:"name"`
	Value    string `json:"value"`
	Path     string `json:"path,omitempty"`
	Domain   string `json:"domain,omitempty"`
	Expires  string `json:"expires,omitempty"`
	HTTPOnly bool   `json:"httpOnly"`
	Secure   bool   `json:"secure"`
	SameSite string `json:"sameSite,omitempty"`
}

// PostData is a request body.
type PostData struct {
	MimeType string      `json:"mimeType"`
	Text     string      `json:"text"`
	Params   []NameValue `json:"params,omitempty"`
}

// Content is a response body.
type Content struct {
	Size        int    `json:"size"`
	MimeType    string `json:"mimeType"`
	Text        string `json:"text,omitempty"`
	Encoding    string `json:"encoding,omitempty"`
	Compression int    `json:"compression,omitempty"`
}

// Timings are the request phases in ms; -1 where a phase does not apply.
type Timings struct {
	Blocked         float64 `json:"blocked"`
	DNS             float64 `json:"dns"`
	SSL             float64 `json:"ssl"`
	Connect         float64 `json:"connect"`
	Send            float64 `json:"send"`
	Wait            float64 `json:"wait"`
	Receive         float64 `json:"receive"`
	BlockedQueueing float64 `json:"_blocked_queueing"`
}

// Dir is the directory the fixtures are committed in, found from this source
// file so tests and the recorder work from any directory.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "app", "token", "testdata", "har")
}

// Load reads and parses a HAR file.
func Load(path string) (*HAR, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var h HAR
	if err := json.Unmarshal(raw, &h); err != nil {
		return nil, fmt.Errorf("harfixtures: %s: %w", path, err)
	}
	return &h, nil
}

// Marshal renders a HAR the way the fixtures are committed: indented with
// two spaces and without HTML escaping, like Chrome's export, and a final
// newline.
func Marshal(h *HAR) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(h); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
