package cmd

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/blockprobe/blockprobe/target"
)

// fill sets every field of v, a pointer, to a value of its own, following
// pointers, so that a field the conversion forgets shows in the JSON.
func fill(v reflect.Value, next *int) {
	switch v.Kind() {
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), next)
	case reflect.Struct:
		for i := range v.NumField() {
			fill(v.Field(i), next)
		}
	case reflect.Bool:
		v.SetBool(true)
	case reflect.String:
		v.SetString("handler")
	case reflect.Int, reflect.Int64:
		*next++
		v.SetInt(int64(*next))
	case reflect.Uint64:
		*next++
		v.SetUint(uint64(*next))
	case reflect.Float64:
		*next++
		v.SetFloat(float64(*next) + 0.5)
	default:
		panic("fill: a field of kind " + v.Kind().String())
	}
}

// The report's loop figures have the JSON of the target's, every field of
// it, so that a report reads the embedded target, a loop agent or a saved
// file alike.
func TestLoopFiguresKeepTheTargetsJSON(t *testing.T) {
	var st target.LoopStats
	var samples []target.LagSample
	n := 0
	fill(reflect.ValueOf(&st).Elem(), &n)
	for range 3 {
		var s target.LagSample
		fill(reflect.ValueOf(&s).Elem(), &n)
		samples = append(samples, s)
	}
	tests := []struct {
		name     string
		from, to any
	}{
		{"loop", st, loopFigures(st)},
		{"heartbeats", samples, lagSamples(samples)},
		{"no heartbeats", []target.LagSample(nil), lagSamples(nil)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want, err := json.Marshal(tc.from)
			if err != nil {
				t.Fatal(err)
			}
			got, err := json.Marshal(tc.to)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != string(want) {
				t.Errorf("report JSON\n  %s\nwant the target's\n  %s", got, want)
			}
		})
	}
}
