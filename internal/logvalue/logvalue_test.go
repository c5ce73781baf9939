package logvalue_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hmaplab/hmap/internal/logvalue"
)

type inner struct {
	Depth int
	Name  string
	Deep  struct{ Ok bool }
}

// secret logs itself; Of must not expand it.
type secret struct{ Token string }

func (secret) LogValue() slog.Value { return slog.StringValue("REDACTED") }

type promoted struct {
	Promoted int
	hidden   int
}

type Public struct{ P int }

type sample struct {
	Count  int
	Ratio  float64
	Flag   bool
	Inner  inner
	Hist   [3]int
	When   time.Time
	Wait   time.Duration
	Secret secret
	Slice  []string
	Ptr    *inner
	Public
	promoted
	hidden int
}

// logText logs v under key "s" with a TextHandler, without the time.
func logText(v any) string {
	var buf bytes.Buffer
	h := slog.NewTextHandler(&buf, &slog.HandlerOptions{
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) == 0 && a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	})
	slog.New(h).Info("msg", "s", v)
	return buf.String()
}

func newSample() sample {
	s := sample{
		Count: 3, Ratio: 0.5, Inner: inner{Depth: 2, Name: "in ner"},
		Hist: [3]int{4, 0, 6}, When: time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC),
		Wait: 1500 * time.Millisecond, Secret: secret{"abc"}, Slice: []string{"x", "y"},
		Public: Public{9}, promoted: promoted{Promoted: 11, hidden: 12}, hidden: 13,
	}
	s.Inner.Deep.Ok = true
	return s
}

func TestOfText(t *testing.T) {
	got := logText(valuer{newSample()})
	want := `level=INFO msg=msg s.Count=3 s.Ratio=0.5 s.Flag=false s.Inner.Depth=2 s.Inner.Name="in ner" s.Inner.Deep.Ok=true` +
		` s.Hist="[4 0 6]" s.When=2024-05-06T07:08:09.000Z s.Wait=1.5s s.Secret=REDACTED s.Slice="[x y]" s.Ptr=<nil>` +
		` s.Public.P=9 s.Promoted=11` + "\n"
	require.Equal(t, want, got)
	require.NotContains(t, got, "Token")
	require.NotContains(t, got, "abc")
	require.NotContains(t, got, "12")
	require.NotContains(t, got, "13")
}

// valuer logs its struct through Of, as a type's LogValue method would.
type valuer struct{ s sample }

func (v valuer) LogValue() slog.Value { return logvalue.Of(v.s) }

// Without LogValue the handler prints the struct as one %+v string; Of's
// group is what splits it into fields.
func TestOfVersusPlain(t *testing.T) {
	type small struct {
		A int
		B struct{ C string }
	}
	v := small{A: 1}
	v.B.C = "c"
	require.Equal(t, "level=INFO msg=msg s=\"{A:1 B:{C:c}}\"\n", logText(v))
	require.Equal(t, "level=INFO msg=msg s.A=1 s.B.C=c\n", logText(logvalue.Of(v)))
	require.Equal(t, "level=INFO msg=msg s.A=1 s.B.C=c\n", logText(logvalue.Of(&v)), "a pointer to a struct")
}

func TestOfJSON(t *testing.T) {
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("msg", "s", valuer{newSample()})
	var rec struct {
		S map[string]any `json:"s"`
	}
	require.NoError(t, json.Unmarshal(buf.Bytes(), &rec))
	require.Equal(t, float64(3), rec.S["Count"])
	require.Equal(t, map[string]any{"Depth": float64(2), "Name": "in ner", "Deep": map[string]any{"Ok": true}}, rec.S["Inner"])
	require.Equal(t, "[4 0 6]", rec.S["Hist"])
	require.Equal(t, "REDACTED", rec.S["Secret"])
	require.Equal(t, float64(11), rec.S["Promoted"])
	require.Len(t, rec.S, 12, "every exported field, promoted ones included: %v", rec.S)
}

func TestOfNonStruct(t *testing.T) {
	require.Equal(t, slog.KindInt64, logvalue.Of(5).Kind())
	require.Equal(t, "x", logvalue.Of("x").String())
	var p *inner
	require.Equal(t, slog.KindAny, logvalue.Of(p).Kind())
	require.Equal(t, slog.KindAny, logvalue.Of(nil).Kind())
	require.True(t, strings.HasPrefix(logText(logvalue.Of([]int{1})), "level=INFO msg=msg s=[1]"))
}

func TestOfEmptyStruct(t *testing.T) {
	v := logvalue.Of(struct{ hidden int }{1})
	require.Equal(t, slog.KindGroup, v.Kind())
	require.Empty(t, v.Group())
}
