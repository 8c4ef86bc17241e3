package browser

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/hack-pad/safejs"
)

// eval runs a JS expression through the Function constructor: Node has no
// DOM but has Promise, setTimeout and Intl, which is all these tests need.
func eval(t *testing.T, expr string) safejs.Value {
	t.Helper()
	fn, err := safejs.Global().Get("Function")
	if err != nil {
		t.Fatal(err)
	}
	f, err := fn.New("return (" + expr + ");")
	if err != nil {
		t.Fatalf("compiling %q: %v", expr, err)
	}
	v, err := f.Invoke()
	if err != nil {
		t.Fatalf("running %q: %v", expr, err)
	}
	return v
}

func TestAwaitResolved(t *testing.T) {
	for _, expr := range []string{
		`Promise.resolve("ok")`,
		`new Promise(r => setTimeout(() => r("ok"), 20))`,
	} {
		v, err := Await(context.Background(), eval(t, expr))
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		if s, _ := v.String(); s != "ok" {
			t.Errorf("%s: got %q, want ok", expr, s)
		}
	}
}

func TestAwaitRejected(t *testing.T) {
	for _, tc := range []struct {
		expr string
		want RejectedError
	}{
		{`Promise.reject(new TypeError("boom"))`, RejectedError{Name: "TypeError", Message: "boom"}},
		{`new Promise((_, j) => setTimeout(() => j(new Error("late")), 20))`, RejectedError{Name: "Error", Message: "late"}},
		{`Promise.reject("just a string")`, RejectedError{Message: "just a string"}},
		{`Promise.reject(42)`, RejectedError{Message: "42"}},
		{`Promise.reject({message: "looks like an Error"})`, RejectedError{Message: "[object Object]"}},
		{`Promise.reject(undefined)`, RejectedError{Message: "undefined"}},
	} {
		_, err := Await(context.Background(), eval(t, tc.expr))
		var rej *RejectedError
		if !errors.As(err, &rej) {
			t.Fatalf("%s: got %v, want a *RejectedError", tc.expr, err)
		}
		if *rej != tc.want {
			t.Errorf("%s: got %+v, want %+v", tc.expr, *rej, tc.want)
		}
	}
}

func TestAwaitContextCancel(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	_, err := Await(ctx, eval(t, `new Promise(() => {})`))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want context.DeadlineExceeded", err)
	}
}

// A promise that settles after its waiter gave up must not crash the
// program by calling a released Go func.
func TestAwaitLateSettlement(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Await(ctx, eval(t, `new Promise(r => setTimeout(() => r("late"), 10))`))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	time.Sleep(50 * time.Millisecond) // let the promise settle
}

func TestAwaitNotAPromise(t *testing.T) {
	_, err := Await(context.Background(), eval(t, `42`))
	if err == nil {
		t.Fatal("awaiting a number: got no error")
	}
}
