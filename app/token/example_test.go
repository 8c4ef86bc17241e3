package token_test

import (
	"fmt"

	"tokenscope/app/token"
)

// A SimpleJWT refresh token, HS256 with the key "django-insecure-example-key".
const exampleRefresh = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoicmVmcmVzaCIsImV4cCI6MTc5ODc2MTYwMCwiaWF0IjoxNzk4Njc1MjAwLCJqdGkiOiI1ZjFjMGE2ZTliOGQ0YzJmYTNlNyIsInVzZXJfaWQiOiIxIn0.FzpnxxujfTw_BT3Te4yoR3Sjd6qvO7jSHgPMv6cjyxc"

// Extract finds tokens in what developers copy and says where each came
// from: here a Django login response pasted after its status line.
func ExampleExtract() {
	paste := "HTTP/1.1 200 OK\nContent-Type: application/json\n\n" +
		`{"access": null, "refresh": "` + exampleRefresh + `"}`
	ex := token.Extract(paste)
	for _, c := range ex.Candidates {
		fmt.Printf("%s %q on line %d: %d bytes\n", c.Source.Origin, c.Source.Name, c.Source.Line, len(c.Value))
	}
	// Output:
	// json "refresh" on line 4: 216 bytes
}
