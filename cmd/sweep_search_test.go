package cmd

import (
	"errors"
	"slices"
	"testing"
)

func TestFindMax(t *testing.T) {
	cases := []struct {
		name        string
		lo, hi, res float64
		whole       bool
		breaksAbove float64 // values above it break the SLO
		want        []float64
		capacity    float64 // the largest value measured that met it
	}{
		{"delay: doubling then bisecting to the resolution", 5, 500, 5, false, 47,
			[]float64{5, 10, 20, 40, 80, 60, 50, 45}, 45},
		{"workers land exactly", 1, 64, 1, true, 5,
			[]float64{1, 2, 4, 8, 6, 5}, 5},
		{"the low end already breaks", 4, 64, 1, true, 2, []float64{4}, 0},
		{"nothing breaks up to the high end", 1, 20, 1, true, 100, []float64{1, 2, 4, 8, 16, 20}, 20},
		{"the high end is where it breaks", 1, 20, 1, true, 19, []float64{1, 2, 4, 8, 16, 20, 18, 19}, 19},
		{"rates to a coarse resolution", 10, 1000, 100, false, 500,
			[]float64{10, 20, 40, 80, 160, 320, 640, 480, 560}, 480},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got []float64
			best := 0.0
			err := findMax(tc.lo, tc.hi, tc.res, tc.whole, func(v float64) (bool, error) {
				got = append(got, v)
				if v <= tc.breaksAbove {
					best = max(best, v)
					return true, nil
				}
				return false, nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) || best != tc.capacity {
				t.Errorf("measured %v (capacity %v), want %v (capacity %v)", got, best, tc.want, tc.capacity)
			}
		})
	}
	t.Run("an error ends the search", func(t *testing.T) {
		stop := errors.New("the target failed")
		n := 0
		err := findMax(1, 64, 1, true, func(v float64) (bool, error) {
			n++
			if v == 4 {
				return false, stop
			}
			return true, nil
		})
		if !errors.Is(err, stop) || n != 3 {
			t.Errorf("err %v after %d points, want the target's error after 3", err, n)
		}
	})
}
