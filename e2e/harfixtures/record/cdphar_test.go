//go:build harfixtures && unix

package record

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"tokenscope/e2e/harfixtures"
)

// harRecorder builds a HAR 1.2 log from a tab's DevTools Network events the
// way DevTools' own HAR export does: the request headers actually sent
// (requestWillBeSentExtraInfo, so Cookie is there), the response headers as
// received (responseReceivedExtraInfo's headersText, so every Set-Cookie line
// is there in order), bodies from Network.getResponseBody, and timings from
// the response's ResourceTiming.
type harRecorder struct {
	mu    sync.Mutex
	order []network.RequestID
	byID  map[network.RequestID]*netRecord
	pages map[string]*harfixtures.Page // by loaderId of the document
}

type netRecord struct {
	sent      *network.EventRequestWillBeSent
	sentExtra *network.EventRequestWillBeSentExtraInfo
	resp      *network.EventResponseReceived
	respExtra *network.EventResponseReceivedExtraInfo
	end       float64 // loadingFinished/Failed timestamp (s, monotonic)
	transfer  float64
	failure   string
	body      []byte
	bodyB64   bool
	haveBody  bool
}

func newHARRecorder() *harRecorder {
	return &harRecorder{byID: map[network.RequestID]*netRecord{}, pages: map[string]*harfixtures.Page{}}
}

func (r *harRecorder) get(id network.RequestID) *netRecord {
	rec, ok := r.byID[id]
	if !ok {
		rec = &netRecord{}
		r.byID[id] = rec
		r.order = append(r.order, id)
	}
	return rec
}

// observe is the chromedp.Listen callback; it only stores events.
func (r *harRecorder) observe(ev any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch e := ev.(type) {
	case *network.EventRequestWillBeSent:
		rec := r.get(e.RequestID)
		rec.sent = e
		if e.Type == network.ResourceTypeDocument {
			id := fmt.Sprintf("page_%d", len(r.pages)+1)
			r.pages[string(e.LoaderID)] = &harfixtures.Page{
				StartedDateTime: harfixtures.FormatTime(wallTime(e.WallTime)),
				ID:              id,
				Title:           e.Request.URL,
				PageTimings:     harfixtures.PageTimings{OnContentLoad: -1, OnLoad: -1},
			}
		}
	case *network.EventRequestWillBeSentExtraInfo:
		r.get(e.RequestID).sentExtra = e
	case *network.EventResponseReceived:
		r.get(e.RequestID).resp = e
	case *network.EventResponseReceivedExtraInfo:
		r.get(e.RequestID).respExtra = e
	case *network.EventLoadingFinished:
		rec := r.get(e.RequestID)
		rec.end = float64(e.Timestamp)
		rec.transfer = e.EncodedDataLength
	case *network.EventLoadingFailed:
		rec := r.get(e.RequestID)
		rec.end = float64(e.Timestamp)
		rec.failure = e.ErrorText
	}
}

// fetchBodies asks the browser for every finished response's body not read
// yet. Call it after each step: a navigation may drop the previous page's.
// A body the browser no longer has stays empty, as in DevTools' export.
func (r *harRecorder) fetchBodies(ctx context.Context) {
	r.mu.Lock()
	var ids []network.RequestID
	for _, id := range r.order {
		rec := r.byID[id]
		if rec.end != 0 && rec.failure == "" && rec.resp != nil && !rec.haveBody {
			ids = append(ids, id)
		}
	}
	r.mu.Unlock()
	for _, id := range ids {
		res, err := chromedp.Call(ctx, network.GetResponseBody, network.GetResponseBodyParams{RequestID: id})
		r.mu.Lock()
		rec := r.byID[id]
		rec.haveBody = true // a body the browser cannot give is not asked for again
		if err == nil {
			rec.body, rec.bodyB64 = res.Body, res.Base64encoded
		}
		r.mu.Unlock()
	}
}

// settle waits until every request seen so far has finished or failed.
func (r *harRecorder) settle(ctx context.Context, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		r.mu.Lock()
		pending := 0
		for _, rec := range r.byID {
			if rec.sent != nil && rec.end == 0 {
				pending++
			}
		}
		r.mu.Unlock()
		if pending == 0 {
			r.fetchBodies(ctx)
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("requests still pending after %v", timeout)
}

// har renders everything recorded so far.
func (r *harRecorder) har() *harfixtures.HAR {
	r.mu.Lock()
	defer r.mu.Unlock()
	h := &harfixtures.HAR{Log: harfixtures.Log{
		Version: "1.2",
		Creator: harfixtures.Creator{Name: "WebInspector", Version: "537.36"},
		Pages:   []harfixtures.Page{},
		Entries: []harfixtures.Entry{},
	}}
	for _, p := range r.pages {
		h.Log.Pages = append(h.Log.Pages, *p)
	}
	sort.Slice(h.Log.Pages, func(i, j int) bool { return h.Log.Pages[i].ID < h.Log.Pages[j].ID })
	for _, id := range r.order {
		rec := r.byID[id]
		if rec.sent == nil || rec.resp == nil || rec.end == 0 {
			continue
		}
		h.Log.Entries = append(h.Log.Entries, r.entry(rec))
	}
	sort.SliceStable(h.Log.Entries, func(i, j int) bool {
		return h.Log.Entries[i].StartedDateTime < h.Log.Entries[j].StartedDateTime
	})
	return h
}

func (r *harRecorder) entry(rec *netRecord) harfixtures.Entry {
	req, resp := rec.sent.Request, rec.resp.Response
	e := harfixtures.Entry{
		ResourceType:    strings.ToLower(string(rec.sent.Type)),
		Priority:        string(req.InitialPriority),
		Connection:      fmt.Sprint(resp.ConnectionID),
		ServerIPAddress: resp.RemoteIPAddress,
		StartedDateTime: harfixtures.FormatTime(wallTime(rec.sent.WallTime)),
	}
	if rec.sent.Initiator != nil {
		e.Initiator, _ = json.Marshal(rec.sent.Initiator)
	}
	if p, ok := r.pages[string(rec.sent.LoaderID)]; ok {
		e.Pageref = p.ID
	}
	version := httpVersion(resp.Protocol)

	reqHeaders := req.Headers
	if rec.sentExtra != nil {
		reqHeaders = rec.sentExtra.Headers
	}
	e.Request = harfixtures.Request{
		Method:      req.Method,
		URL:         req.URL,
		HTTPVersion: version,
		Headers:     sortedHeaders(reqHeaders),
		QueryString: queryString(req.URL),
		Cookies:     requestCookies(headerValue(reqHeaders, "cookie"), rec.sentExtra),
		HeadersSize: -1,
	}
	if post := postData(req); post != "" {
		mime := headerValue(reqHeaders, "content-type")
		pd := &harfixtures.PostData{MimeType: mime, Text: post}
		if strings.HasPrefix(mime, "application/x-www-form-urlencoded") {
			if q, err := url.ParseQuery(post); err == nil {
				pd.Params = []harfixtures.NameValue{}
				for _, kv := range strings.Split(post, "&") {
					name, _, _ := strings.Cut(kv, "=")
					n, _ := url.QueryUnescape(name)
					pd.Params = append(pd.Params, harfixtures.NameValue{Name: n, Value: q.Get(n)})
				}
			}
		}
		e.Request.PostData = pd
		e.Request.BodySize = len(post)
	}

	var respHeaders []harfixtures.NameValue
	headersSize := -1
	if rec.respExtra != nil && rec.respExtra.HeadersText != "" {
		respHeaders = parseHeadersText(rec.respExtra.HeadersText)
		headersSize = len(rec.respExtra.HeadersText)
	} else if rec.respExtra != nil {
		respHeaders = sortedHeaders(rec.respExtra.Headers)
	} else {
		respHeaders = sortedHeaders(resp.Headers)
	}
	var setCookies []string
	location := ""
	for _, h := range respHeaders {
		switch strings.ToLower(h.Name) {
		case "set-cookie":
			setCookies = append(setCookies, h.Value)
		case "location":
			location = h.Value
		}
	}
	content := harfixtures.Content{MimeType: resp.MimeType, Size: len(rec.body)}
	if rec.bodyB64 || !utf8.Valid(rec.body) {
		if len(rec.body) > 0 {
			content.Text, content.Encoding = base64.StdEncoding.EncodeToString(rec.body), "base64"
		}
	} else {
		content.Text = string(rec.body)
	}
	bodySize := int(rec.transfer) - max(headersSize, 0)
	if rec.transfer == 0 {
		bodySize = len(rec.body)
	}
	e.Response = harfixtures.Response{
		Status:       int(resp.Status),
		StatusText:   resp.StatusText,
		HTTPVersion:  version,
		Headers:      respHeaders,
		Cookies:      responseCookies(setCookies),
		Content:      content,
		RedirectURL:  location,
		HeadersSize:  headersSize,
		BodySize:     bodySize,
		TransferSize: int(rec.transfer),
	}
	if rec.failure != "" {
		f := rec.failure
		e.Response.Error = &f
	}
	e.Timings, e.Time = timings(rec)
	return e
}

// timings follows DevTools' HAR export: phases from the ResourceTiming,
// blocked up to the first phase, receive from headers to loading finished.
func timings(rec *netRecord) (harfixtures.Timings, float64) {
	issued := float64(rec.sent.Timestamp)
	total := (rec.end - issued) * 1000
	t := rec.resp.Response.Timing
	if t == nil {
		return harfixtures.Timings{Blocked: -1, DNS: -1, SSL: -1, Connect: -1, Send: 0, Wait: total, Receive: 0, BlockedQueueing: -1}, total
	}
	phase := func(start, end float64) float64 {
		if start < 0 || end < 0 {
			return -1
		}
		return end - start
	}
	first := t.SendStart
	for _, v := range []float64{t.DNSStart, t.ConnectStart} {
		if v >= 0 && v < first {
			first = v
		}
	}
	queue := (t.RequestTime - issued) * 1000
	tm := harfixtures.Timings{
		Blocked:         queue + first,
		DNS:             phase(t.DNSStart, t.DNSEnd),
		SSL:             phase(t.SslStart, t.SslEnd),
		Connect:         phase(t.ConnectStart, t.ConnectEnd),
		Send:            t.SendEnd - t.SendStart,
		Wait:            t.ReceiveHeadersEnd - t.SendEnd,
		Receive:         (rec.end-t.RequestTime)*1000 - t.ReceiveHeadersEnd,
		BlockedQueueing: queue,
	}
	sum := 0.0
	for _, v := range []float64{tm.Blocked, tm.DNS, tm.Connect, tm.Send, tm.Wait, tm.Receive} {
		if v > 0 {
			sum += v
		}
	}
	return tm, sum
}

func httpVersion(protocol string) string {
	switch strings.ToLower(protocol) {
	case "h2":
		return "http/2.0"
	case "", "http/1.1":
		return "HTTP/1.1"
	}
	return protocol
}

func postData(req *network.Request) string {
	var b strings.Builder
	for _, p := range req.PostDataEntries {
		b.Write(p.Bytes)
	}
	return b.String()
}

func headerValue(h network.Headers, name string) string {
	for k, v := range h {
		if strings.EqualFold(k, name) {
			return fmt.Sprint(v)
		}
	}
	return ""
}

// sortedHeaders flattens a CDP header map (duplicates joined by "\n") into
// HAR headers, sorted by name for a stable file.
func sortedHeaders(h network.Headers) []harfixtures.NameValue {
	out := []harfixtures.NameValue{}
	for k, v := range h {
		for _, line := range strings.Split(fmt.Sprint(v), "\n") {
			out = append(out, harfixtures.NameValue{Name: k, Value: line})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return strings.ToLower(out[i].Name) < strings.ToLower(out[j].Name) })
	return out
}

// parseHeadersText reads the raw HTTP/1.1 response head, keeping order and
// every repeated header.
func parseHeadersText(text string) []harfixtures.NameValue {
	out := []harfixtures.NameValue{}
	for i, line := range strings.Split(text, "\r\n") {
		if i == 0 || line == "" {
			continue // the status line, the blank line
		}
		name, value, ok := strings.Cut(line, ":")
		if ok {
			out = append(out, harfixtures.NameValue{Name: name, Value: strings.TrimSpace(value)})
		}
	}
	return out
}

func queryString(raw string) []harfixtures.NameValue {
	out := []harfixtures.NameValue{}
	u, err := url.Parse(raw)
	if err != nil || u.RawQuery == "" {
		return out
	}
	for _, kv := range strings.Split(u.RawQuery, "&") {
		name, value, _ := strings.Cut(kv, "=")
		out = append(out, harfixtures.NameValue{Name: name, Value: value})
	}
	return out
}

// requestCookies lists the cookies of the Cookie header in its order, with
// the attributes the browser's cookie store has for them (as DevTools'
// export does from the cookies it associates with the request).
func requestCookies(header string, extra *network.EventRequestWillBeSentExtraInfo) []harfixtures.Cookie {
	out := []harfixtures.Cookie{}
	if header == "" {
		return out
	}
	stored := map[string]*network.Cookie{}
	if extra != nil {
		for _, ac := range extra.AssociatedCookies {
			if ac.Cookie != nil && len(ac.BlockedReasons) == 0 {
				stored[ac.Cookie.Name] = ac.Cookie
			}
		}
	}
	for _, part := range strings.Split(header, ";") {
		name, value, _ := strings.Cut(strings.TrimSpace(part), "=")
		c := harfixtures.Cookie{Name: name, Value: value}
		if sc, ok := stored[name]; ok {
			c.Path, c.Domain, c.HTTPOnly, c.Secure, c.SameSite = sc.Path, sc.Domain, sc.HTTPOnly, sc.Secure, string(sc.SameSite)
			if !sc.Session && sc.Expires > 0 {
				c.Expires = harfixtures.FormatTime(wallTime(cdp.TimeSinceEpoch(sc.Expires)))
			}
		}
		out = append(out, c)
	}
	return out
}

func responseCookies(lines []string) []harfixtures.Cookie {
	out := []harfixtures.Cookie{}
	for _, line := range lines {
		parts := strings.Split(line, ";")
		name, value, _ := strings.Cut(strings.TrimSpace(parts[0]), "=")
		c := harfixtures.Cookie{Name: name, Value: value}
		for _, attr := range parts[1:] {
			k, v, _ := strings.Cut(strings.TrimSpace(attr), "=")
			switch strings.ToLower(k) {
			case "path":
				c.Path = v
			case "domain":
				c.Domain = v
			case "expires":
				if t, err := time.Parse(time.RFC1123, v); err == nil {
					c.Expires = harfixtures.FormatTime(t)
				}
			case "httponly":
				c.HTTPOnly = true
			case "secure":
				c.Secure = true
			case "samesite":
				c.SameSite = v
			}
		}
		out = append(out, c)
	}
	return out
}

// wallTime converts CDP's seconds since the epoch, keeping microseconds.
func wallTime(t cdp.TimeSinceEpoch) time.Time {
	return time.UnixMicro(int64(float64(t) * 1e6))
}
