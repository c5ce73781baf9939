// Package statstest checks that a counter struct's Sub method subtracts
// every counter, so that a field added later cannot be forgotten.
package statstest

import (
	"reflect"
	"slices"
	"testing"
)

// CheckSub fills every int field of two values of T with distinct numbers,
// calls sub, and requires each int field of the result but those named in
// keep (settings, not counters) to be the difference, and every other
// field to be the receiver's.
func CheckSub[T any](t *testing.T, sub func(a, b T) T, keep ...string) {
	t.Helper()
	var a, b T
	va, vb := reflect.ValueOf(&a).Elem(), reflect.ValueOf(&b).Elem()
	for i := range va.NumField() {
		switch va.Field(i).Kind() {
		case reflect.Int:
			va.Field(i).SetInt(int64(1000 + 7*i))
			vb.Field(i).SetInt(int64(3 * i))
		case reflect.Bool:
			va.Field(i).SetBool(true)
		}
	}
	d := reflect.ValueOf(sub(a, b))
	for i := range va.NumField() {
		name := va.Type().Field(i).Name
		switch f := d.Field(i); {
		case f.Kind() == reflect.Int && !slices.Contains(keep, name):
			if want := int64(1000 + 7*i - 3*i); f.Int() != want {
				t.Errorf("%s.Sub: %s = %d, want %d", va.Type(), name, f.Int(), want)
			}
		default:
			if !f.Equal(va.Field(i)) {
				t.Errorf("%s.Sub: %s = %v, want the receiver's %v", va.Type(), name, f, va.Field(i))
			}
		}
	}
}
