//go:build js && wasm

package browser

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"tokenscope/app/bridge"
	"tokenscope/app/bridgeproto"
)

const (
	bridgeTestKey = "q7Vd0cFh2m1nB5sX9yZw8A"
	bridgeHost    = "http://localhost:3000"
)

// fakeOpener stands for window.opener: it records what is posted to it.
func fakeOpener(t *testing.T) *Bridge {
	t.Helper()
	opener := eval(t, `{sent: [], postMessage(m, o) { this.sent.push([JSON.stringify(m), o]); }}`)
	return &Bridge{opener: opener, conn: bridgeproto.NewConn(bridgeTestKey), pending: map[int]chan result{}}
}

// sent lists the messages posted to the opener as "target message".
func sent(t *testing.T, b *Bridge) []string {
	t.Helper()
	list, err := b.opener.Get("sent")
	if err != nil {
		t.Fatal(err)
	}
	n, _ := list.Length()
	var out []string
	for i := range n {
		pair, _ := list.Index(i)
		msg, _ := indexString(pair, 0)
		target, _ := indexString(pair, 1)
		out = append(out, target+" "+msg)
	}
	return out
}

// deliver hands receive a MessageEvent-shaped object; from picks the
// source window (the opener unless another is given).
func deliver(t *testing.T, b *Bridge, origin, data string, fromOpener bool) {
	t.Helper()
	ev := eval(t, `{source: null, origin: "", data: null}`)
	if fromOpener {
		_ = ev.Set("source", b.opener)
	} else {
		_ = ev.Set("source", eval(t, `{}`))
	}
	_ = ev.Set("origin", origin)
	_ = ev.Set("data", eval(t, data))
	b.receive(ev)
}

// hello starts the first call and waits until it was posted.
func hello(t *testing.T, b *Bridge) chan result {
	t.Helper()
	done := make(chan result, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		r, err := b.call(ctx, bridgeproto.NewRequest(0, bridgeproto.OpHello))
		done <- result{r, err}
	}()
	for range 100 {
		if len(sent(t, b)) > 0 {
			return done
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatal("hello was never posted")
	return nil
}

func TestBridgeHelloCarriesNoKey(t *testing.T) {
	b := fakeOpener(t)
	done := hello(t, b)
	msgs := sent(t, b)
	if len(msgs) != 1 || !strings.HasPrefix(msgs[0], `* {"tsb":1,"v":2,"id":1,"op":"hello"}`) {
		t.Errorf("posted %q", msgs)
	}
	if strings.Contains(msgs[0], bridgeTestKey) {
		t.Error("the key was posted before the opener proved anything")
	}
	deliver(t, b, bridgeHost, `{tsb: 1, v: 2, k: "`+bridgeTestKey+`", id: 1, ok: {o: "`+bridgeHost+`", t: [], n: [], x: 0}}`, true)
	r := <-done
	if r.err != nil || r.reply.ID != 1 || b.conn.Origin() != bridgeHost {
		t.Fatalf("genuine hello: %+v, origin %q", r, b.conn.Origin())
	}
	// After the hello, requests go to the pinned origin only.
	go func() { _, _ = b.call(context.Background(), bridgeproto.NewRequest(0, bridgeproto.OpSession)) }()
	for range 100 {
		if len(sent(t, b)) > 1 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	if msgs := sent(t, b); len(msgs) != 2 || !strings.HasPrefix(msgs[1], bridgeHost+" ") {
		t.Errorf("second request posted as %q", msgs)
	}
}

func TestBridgeReceiveRefusals(t *testing.T) {
	for _, c := range []struct {
		name   string
		origin string
		data   string
		want   error
	}{
		{"another profile's key", bridgeHost, `{tsb: 1, v: 2, k: "Zk3pL0aT6uYe1rQo4iWs2g", id: 1, ok: {o: "` + bridgeHost + `"}}`, bridgeproto.ErrWrongKey},
		{"the first protocol", bridgeHost, `{tsb: 1, id: 1, err: "op"}`, bridgeproto.ErrOutdated},
		{"oversized", bridgeHost, `{tsb: 1, v: 2, id: 1, pad: "a".repeat(` + "1048577" + `)}`, bridgeproto.ErrTooLarge},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := fakeOpener(t)
			done := hello(t, b)
			// Messages from any other window are not even looked at.
			deliver(t, b, bridgeHost, `{tsb: 1, v: 2, k: "`+bridgeTestKey+`", id: 1, ok: {}}`, false)
			deliver(t, b, c.origin, c.data, true)
			r := <-done
			var re *bridgeproto.RefusedError
			if !errors.Is(r.err, c.want) || !errors.As(r.err, &re) || re.From != c.origin {
				t.Errorf("err = %v, want %v from %s", r.err, c.want, c.origin)
			}
			if b.conn.Origin() != "" {
				t.Errorf("a refused hello pinned %q", b.conn.Origin())
			}
		})
	}
}

func TestJSONStringifyLength(t *testing.T) {
	text, n, err := jsonStringify(eval(t, `"héllo"`))
	if err != nil || text != `"héllo"` || n != 7 {
		t.Errorf("string: %q %d %v", text, n, err)
	}
	text, n, err = jsonStringify(eval(t, `{a: "x".repeat(2000000)}`))
	if err != nil || text != "" || n <= bridgeproto.MaxReplyBytes {
		t.Errorf("oversized: %d chars copied, length %d, %v", len(text), n, err)
	}
	if _, _, err := jsonStringify(eval(t, `undefined`)); err == nil {
		t.Error("undefined stringified")
	}
}

// connected returns a bridge whose hello was answered by bridgeHost.
func connected(t *testing.T) *Bridge {
	t.Helper()
	b := fakeOpener(t)
	done := hello(t, b)
	deliver(t, b, bridgeHost, `{tsb: 1, v: 2, k: "`+bridgeTestKey+`", id: 1, ok: {o: "`+bridgeHost+`", t: [], n: [], x: 0}}`, true)
	if r := <-done; r.err != nil {
		t.Fatal(r.err)
	}
	b.connected = true
	if err := b.opener.Set("closed", false); err != nil {
		t.Fatal(err)
	}
	return b
}

// TestWatchOpenerClosed: the opener's tab closing is seen within a poll.
func TestWatchOpenerClosed(t *testing.T) {
	b := connected(t)
	go func() {
		time.Sleep(300 * time.Millisecond)
		_ = b.opener.Set("closed", true)
	}()
	start := time.Now()
	err := b.WatchOpener(context.Background())
	if !errors.Is(err, bridge.ErrOpenerClosed) {
		t.Fatalf("err %v", err)
	}
	if took := time.Since(start); took > 300*time.Millisecond+2*openerPollInterval {
		t.Errorf("noticed after %v", took)
	}
}

// TestWatchOpenerGone: an opener that stays open but whose bridge no longer
// answers (navigated away) is given up after the allowed misses; one that
// answers every ping is kept.
func TestWatchOpenerGone(t *testing.T) {
	b := connected(t)
	// Answer the first two pings, then fall silent.
	answered := 0
	stop := make(chan struct{})
	go func() {
		seen := 1 // the hello
		for answered < 2 {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			msgs := sent(t, b)
			for ; seen < len(msgs); seen++ {
				if !strings.Contains(msgs[seen], `"op":"ping"`) {
					continue
				}
				var id int
				if _, err := fmt.Sscanf(msgs[seen][strings.Index(msgs[seen], `"id":`)+5:], "%d", &id); err != nil {
					t.Error(err)
					return
				}
				deliver(t, b, bridgeHost, fmt.Sprintf(`{tsb: 1, v: 2, k: %q, id: %d, err: "op"}`, bridgeTestKey, id), true)
				answered++
			}
		}
	}()
	defer close(stop)
	start := time.Now()
	err := b.WatchOpener(context.Background())
	if !errors.Is(err, bridge.ErrOpenerGone) {
		t.Fatalf("err %v", err)
	}
	if answered != 2 {
		t.Errorf("%d pings answered before the bridge fell silent", answered)
	}
	// Two answered pings, then pingMissesAllowed+1 unanswered ones.
	if min := time.Duration(2+pingMissesAllowed+1) * pingInterval; time.Since(start) < min {
		t.Errorf("gave up after %v, before %v: an answered ping did not count", time.Since(start), min)
	}
}
