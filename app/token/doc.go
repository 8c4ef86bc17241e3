// Package token finds tokens in whatever a developer pastes and opens them.
// It holds:
//
//   - extraction (extract.go, scan.go, cookie.go, json.go): raw JWTs,
//     Bearer headers, Cookie and Set-Cookie headers with NextAuth's chunked
//     session cookies rejoined, DevTools cookie rows, JSON bodies (a bounded
//     parser that keeps each value's path), URLs — each candidate with its
//     Source;
//   - decoding (decode.go, segment.go, claims.go): JWS headers and claims,
//     every segment checked, claims kept in order with their JSON kinds;
//   - session decryption (decrypt.go, jwe.go, session.go): NextAuth v4
//     (A256GCM, HKDF without salt) and Auth.js (A256CBC-HS512, HKDF salted
//     with the cookie name) session tokens, opened with a typed secret;
//   - signature verification (verify.go, jwk.go): HS*, RS*, PS*, ES*, EdDSA
//     with a secret, a PEM key, a JWK or a JWKS;
//   - names (names.go): which cookie and field names hold which role;
//   - bounds (bounds.go): every input limit, as a named constant.
//
// It never talks to the network and never reads the clock: times are
// judged by the caller (app/diagnose).
package token
