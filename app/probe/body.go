package probe

import (
	"encoding/json"
	"sort"
	"strings"
)

// reply is a DRF / SimpleJWT JSON answer, read leniently: detail may be a
// string or a list, and field errors are any other key holding strings.
type reply struct {
	JSON        bool
	Detail      string
	Code        string
	Access      string
	Refresh     string
	HasRefresh  bool
	FieldErrors map[string][]string
}

func parseReply(body string) reply {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(body), &raw); err != nil {
		return reply{}
	}
	r := reply{JSON: true, FieldErrors: map[string][]string{}}
	for key, v := range raw {
		switch key {
		case "detail":
			r.Detail = textOf(v)
		case "code":
			r.Code = textOf(v)
		case "access":
			r.Access = textOf(v)
		case "refresh":
			var s string
			if json.Unmarshal(v, &s) == nil {
				r.Refresh, r.HasRefresh = s, true
				continue
			}
			r.FieldErrors[key] = listOf(v)
		case "messages":
		default:
			if l := listOf(v); len(l) > 0 {
				r.FieldErrors[key] = l
			}
		}
	}
	return r
}

func textOf(v json.RawMessage) string {
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s
	}
	return strings.Join(listOf(v), " ")
}

func listOf(v json.RawMessage) []string {
	var l []string
	if json.Unmarshal(v, &l) == nil {
		return l
	}
	return nil
}

// fieldErrorText renders {"refresh": ["This field is required."]} for evidence.
func (r reply) fieldErrorText() string {
	keys := make([]string, 0, len(r.FieldErrors))
	for k := range r.FieldErrors {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, k+": "+strings.Join(r.FieldErrors[k], " "))
	}
	return strings.Join(parts, "; ")
}

// snippet shortens a body for evidence; HTML error pages are long.
func snippet(body string) string {
	body = strings.TrimSpace(body)
	if len(body) > 300 {
		return body[:300] + "…"
	}
	return body
}
