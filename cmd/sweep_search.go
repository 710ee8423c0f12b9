package cmd

import "math"

// findMax searches [lo, hi] for the largest value that meets the SLO,
// assuming that values below one that meets it meet it too: it doubles
// from lo while values meet it (capped at hi), then bisects between the
// last value that met it and the first that broke it until they are at
// most resolution apart. Whole numbers stay whole. met measures a value
// and says whether it met the SLO; its error ends the search. The values
// measured and what they gave are the search's result: the sweep reads
// the capacity from them.
func findMax(lo, hi, resolution float64, whole bool, met func(float64) (bool, error)) error {
	ok, err := met(lo)
	if err != nil || !ok {
		return err
	}
	good, bad := lo, math.Inf(1)
	for good < hi {
		v := math.Min(2*good, hi)
		if ok, err = met(v); err != nil {
			return err
		}
		if !ok {
			bad = v
			break
		}
		good = v
	}
	for bad-good > resolution {
		mid := midpoint(good, bad, whole)
		if mid <= good || mid >= bad {
			break
		}
		if ok, err = met(mid); err != nil {
			return err
		}
		if ok {
			good = mid
		} else {
			bad = mid
		}
	}
	return nil
}

// midpoint is halfway between a and b: rounded down for whole numbers, to
// a thousandth otherwise (a microsecond, for a duration in milliseconds).
func midpoint(a, b float64, whole bool) float64 {
	m := (a + b) / 2
	if whole {
		return math.Floor(m)
	}
	return math.Round(m*1000) / 1000
}
