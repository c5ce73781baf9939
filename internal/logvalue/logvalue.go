// Package logvalue turns plain structs, such as table.Stats, into log/slog
// group values, so that a handler prints each field as its own key rather
// than one fmt-formatted blob.
package logvalue

import (
	"fmt"
	"log/slog"
	"reflect"
)

var logValuerType = reflect.TypeFor[slog.LogValuer]()

// Of returns v as an slog value. A struct, or a non-nil pointer to one,
// becomes a group with an attribute per exported field, in declaration
// order, zero values included, so that a log line shows every field (the
// exported fields of an embedded unexported struct appear as the outer
// struct's, as Go promotes them):
//
//   - a nested struct field becomes a nested group, by the same rules;
//   - an array field becomes its fmt form (fmt.Sprint), one value rather
//     than a group of numbered elements;
//   - any other field, and a struct field that implements slog.LogValuer or
//     has no exported field (time.Time, say), is slog.AnyValue of it, which
//     handlers resolve and format as usual.
//
// Anything else is slog.AnyValue(v). Of does not consult v's own LogValue
// method, so a type's LogValue can be written as logvalue.Of(itself).
// Pointer fields are not followed, so cyclic data cannot loop.
func Of(v any) slog.Value {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer && !rv.IsNil() {
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Struct {
		return slog.AnyValue(v)
	}
	return group(rv)
}

// group returns the group value of struct rv's exported fields.
func group(rv reflect.Value) slog.Value {
	t := rv.Type()
	attrs := make([]slog.Attr, 0, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		switch {
		case f.IsExported():
			attrs = append(attrs, slog.Attr{Key: f.Name, Value: field(rv.Field(i))})
		case f.Anonymous && f.Type.Kind() == reflect.Struct:
			// An embedded struct of unexported type still promotes its
			// exported fields; a group with an empty key is inlined by
			// handlers, so they appear as the outer struct's own.
			attrs = append(attrs, slog.Attr{Key: "", Value: group(rv.Field(i))})
		}
	}
	return slog.GroupValue(attrs...)
}

// field returns the value logged for one exported field.
func field(fv reflect.Value) slog.Value {
	switch fv.Kind() {
	case reflect.Struct:
		if expandable(fv.Type()) {
			return group(fv)
		}
	case reflect.Array:
		return slog.StringValue(fmt.Sprint(fv.Interface()))
	}
	return slog.AnyValue(fv.Interface())
}

// expandable reports whether a struct type is logged as a group: not if it
// logs itself (a LogValuer: a group would bypass its choice), and not if it
// has no exported field (the group would be empty, and handlers drop empty
// groups; its value, formatted, says more).
func expandable(t reflect.Type) bool {
	if t.Implements(logValuerType) {
		return false
	}
	for i := range t.NumField() {
		if t.Field(i).IsExported() {
			return true
		}
	}
	return false
}
