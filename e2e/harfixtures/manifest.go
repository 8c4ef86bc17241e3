package harfixtures

import (
	"encoding/json"
	"os"
	"path/filepath"
)

// Manifest describes every committed fixture (manifest.json).
type Manifest struct {
	Note     string            `json:"note"`
	Recorded string            `json:"recorded"`
	Versions map[string]string `json:"versions"`
	Secrets  Secrets           `json:"secrets"`
	Backend  BackendConfig     `json:"backend"`
	Fixtures []Fixture         `json:"fixtures"`
}

// Secrets are the test-only secrets the fixtures were recorded with.
type Secrets struct {
	NextAuthSecret  string `json:"NEXTAUTH_SECRET"`
	AuthSecret      string `json:"AUTH_SECRET"`
	DjangoSecretKey string `json:"DJANGO_SECRET_KEY"`
	ForeignSecret   string `json:"foreign_secret"`
}

// BackendConfig is the SimpleJWT configuration of the recording.
type BackendConfig struct {
	RotateRefreshTokens    bool    `json:"ROTATE_REFRESH_TOKENS"`
	BlacklistAfterRotation bool    `json:"BLACKLIST_AFTER_ROTATION"`
	AccessTokenSeconds     float64 `json:"ACCESS_TOKEN_LIFETIME_seconds"`
	Algorithm              string  `json:"ALGORITHM"`
}

// Fixture is one committed file and what a reader must find in it.
type Fixture struct {
	File        string   `json:"file"`
	Kind        string   `json:"kind"` // har | log
	Scenario    string   `json:"scenario"`
	Description string   `json:"description"`
	Flavor      string   `json:"flavor,omitempty"` // nextauth | authjs | client
	Secret      string   `json:"secret,omitempty"` // the session secret to open its cookies
	CookieName  string   `json:"cookieName,omitempty"`
	Derived     string   `json:"derivedFrom,omitempty"`
	Attempts    int      `json:"attempts,omitempty"` // recordings until the scenario's outcome appeared
	Codes       []string `json:"expectedCodes"`
	Absent      []string `json:"absentCodes,omitempty"`
	Facts       Facts    `json:"facts"`
}

// Facts are what the recorder saw, from the libraries' own decode of every
// session cookie (the app's /__fixture/decode) and from the Django bodies.
type Facts struct {
	Entries   []EntryFact    `json:"entries,omitempty"`
	Rotations []RotationFact `json:"rotations,omitempty"`
	Overlaps  [][2]int       `json:"overlaps,omitempty"` // pairs of entry indexes whose [start, end] overlap
	Lines     []string       `json:"lines,omitempty"`    // for logs: lines a reader must recognise (ANSI kept)
	// ServerCalls are the app's own calls to Django, in order (path, times,
	// sent refresh jti, status, received jtis, SimpleJWT detail). They are
	// not in a browser HAR; they are the ground truth a lineage inferred from
	// the session cookies should agree with.
	ServerCalls []json.RawMessage `json:"serverCalls,omitempty"`
}

// EntryFact is one auth-relevant entry of a HAR, by its index in log.entries.
type EntryFact struct {
	Index          int     `json:"index"`
	Method         string  `json:"method"`
	Path           string  `json:"path"`
	Status         int     `json:"status"`
	Started        string  `json:"started"`
	TimeMS         float64 `json:"timeMs"`
	SentRefreshJTI string  `json:"sentRefreshJti,omitempty"` // from the request's session cookie or JSON body
	SentAccessJTI  string  `json:"sentAccessJti,omitempty"`
	GotRefreshJTI  string  `json:"gotRefreshJti,omitempty"` // from the response's Set-Cookie session or JSON body
	GotAccessJTI   string  `json:"gotAccessJti,omitempty"`
	SetCookie      bool    `json:"setsSessionCookie,omitempty"`
	SessionError   string  `json:"sessionError,omitempty"`  // error in the session JSON (or the Set-Cookie's token)
	BackendDetail  string  `json:"backendDetail,omitempty"` // SimpleJWT's detail in a Django response body
}

// RotationFact says that the response of entry Index replaced refresh token
// From with To (SimpleJWT rotated it, and blacklisted From).
type RotationFact struct {
	Index int    `json:"index"`
	From  string `json:"from"`
	To    string `json:"to"`
}

// LoadManifest reads manifest.json from Dir.
func LoadManifest() (*Manifest, error) {
	raw, err := os.ReadFile(filepath.Join(Dir(), "manifest.json"))
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	return &m, nil
}
