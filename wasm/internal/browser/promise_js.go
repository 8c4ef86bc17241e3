package browser

import (
	"context"
	"fmt"

	"github.com/hack-pad/safejs"
)

// RejectedError is a promise rejection. Name and Message come from the
// rejection value when it is an Error; otherwise Name is empty and Message
// describes the value.
type RejectedError struct {
	Name    string
	Message string
}

func (e *RejectedError) Error() string {
	if e.Name == "" {
		return "promise rejected: " + e.Message
	}
	return "promise rejected: " + e.Name + ": " + e.Message
}

// settlement is the outcome of a promise, handed from a JS callback to the
// waiting goroutine.
type settlement struct {
	value    safejs.Value
	rejected bool
}

// Await waits until promise settles or ctx ends, and returns the fulfilled
// value or a *RejectedError.
//
// It blocks the calling goroutine, so never call it from inside a JS
// callback (an event handler): the callbacks that settle the promise run on
// the same event loop and would never get their turn. Call it from a
// goroutine, e.g. go-app's ctx.Async.
//
// When ctx ends first, the two callbacks stay registered until the promise
// settles (releasing them earlier would make a late settlement panic); a
// promise that never settles leaks them.
func Await(ctx context.Context, promise safejs.Value) (safejs.Value, error) {
	done := make(chan settlement, 1)
	onFulfilled, onRejected, err := settleFuncs(done)
	if err != nil {
		return safejs.Undefined(), err
	}
	if _, err := promise.Call("then", onFulfilled, onRejected); err != nil {
		onFulfilled.Release()
		onRejected.Release()
		return safejs.Undefined(), fmt.Errorf("awaiting promise: calling then: %w", err)
	}
	select {
	case s := <-done:
		if s.rejected {
			return safejs.Undefined(), rejection(s.value)
		}
		return s.value, nil
	case <-ctx.Done():
		return safejs.Undefined(), fmt.Errorf("awaiting promise: %w", ctx.Err())
	}
}

// settleFuncs makes the then/catch callbacks. A promise settles once, so the
// first callback to run releases both; done is buffered so that a callback
// never blocks the JS event loop, even when nobody waits any more.
func settleFuncs(done chan<- settlement) (onFulfilled, onRejected safejs.Func, err error) {
	var funcs [2]safejs.Func
	release := func() {
		funcs[0].Release()
		funcs[1].Release()
	}
	for i, rejected := range []bool{false, true} {
		funcs[i], err = safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
			release()
			done <- settlement{value: firstArg(args), rejected: rejected}
			return nil
		})
		if err != nil {
			if i == 1 {
				funcs[0].Release()
			}
			return funcs[0], funcs[1], fmt.Errorf("awaiting promise: making callback: %w", err)
		}
	}
	return funcs[0], funcs[1], nil
}

func firstArg(args []safejs.Value) safejs.Value {
	if len(args) == 0 {
		return safejs.Undefined()
	}
	return args[0]
}

// rejection turns a rejection value into an error. Only values that are
// `instanceof Error` have a trustworthy name and message; anything else
// (a string, a number, a plain object) is described as it is.
func rejection(v safejs.Value) error {
	if isError(v) {
		name, _ := stringProp(v, "name")
		msg, _ := stringProp(v, "message")
		return &RejectedError{Name: name, Message: msg}
	}
	return &RejectedError{Message: describe(v)}
}

func isError(v safejs.Value) bool {
	if v.Type() != safejs.TypeObject {
		return false
	}
	errorCtor, err := safejs.Global().Get("Error")
	if err != nil {
		return false
	}
	ok, err := v.InstanceOf(errorCtor)
	return err == nil && ok
}

func stringProp(v safejs.Value, name string) (string, error) {
	p, err := v.Get(name)
	if err != nil {
		return "", err
	}
	if p.Type() != safejs.TypeString {
		return "", fmt.Errorf("%s is a %v, not a string", name, p.Type())
	}
	return p.String()
}

// describe renders a non-Error rejection value with JavaScript's String(),
// which never throws for primitives and gives "[object Object]" for objects.
func describe(v safejs.Value) string {
	stringFn, err := safejs.Global().Get("String")
	if err != nil {
		return v.Type().String()
	}
	s, err := stringFn.Invoke(v)
	if err != nil {
		return v.Type().String()
	}
	out, err := s.String()
	if err != nil {
		return v.Type().String()
	}
	return out
}
