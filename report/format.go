package report

import (
	"math"
	"strconv"
	"strings"
)

// FormatMs renders a duration in float milliseconds for people: whole
// microseconds below 1ms ("420µs"), milliseconds with two decimals below
// 1s ("12.34ms"), seconds with two decimals above ("4.96s").
func FormatMs(ms float64) string {
	sign, ms := splitSign(ms)
	if us := math.Round(ms * 1000); us < 1000 {
		if us == 0 {
			sign = ""
		}
		return sign + strconv.FormatFloat(us, 'f', 0, 64) + "µs"
	}
	if r := math.Round(ms*100) / 100; r < 1000 {
		return sign + strconv.FormatFloat(r, 'f', 2, 64) + "ms"
	}
	return sign + strconv.FormatFloat(ms/1000, 'f', 2, 64) + "s"
}

// ShortMs renders a duration in float milliseconds compactly for prose and
// settings: milliseconds below 1s, seconds above, at most two decimals and
// no trailing zeros ("0.42ms", "50ms", "5s", "4.96s").
func ShortMs(ms float64) string {
	sign, ms := splitSign(ms)
	unit, v := "ms", math.Round(ms*100)/100
	if v >= 1000 {
		unit, v = "s", math.Round(ms/10)/100
	}
	s := strings.TrimRight(strconv.FormatFloat(v, 'f', 2, 64), "0")
	s = strings.TrimSuffix(s, ".")
	if s == "0" {
		sign = ""
	}
	return sign + s + unit
}

// signedMs is ShortMs with an explicit sign: "+4.96s", "-0.05ms".
func signedMs(ms float64) string {
	s := ShortMs(ms)
	if strings.HasPrefix(s, "-") {
		return s
	}
	return "+" + s
}

// DateFormat is how a report shows when a run started.
const DateFormat = "2006-01-02 15:04:05 MST"

func splitSign(ms float64) (string, float64) {
	if ms < 0 {
		return "-", -ms
	}
	return "", ms
}

// CompactMs renders a duration in ms in at most six columns, to fit a
// label: "4.99s", "992ms", "12.5ms", "1.25ms", "420µs".
func CompactMs(ms float64) string {
	switch {
	case ms >= 999.5:
		return strconv.FormatFloat(ms/1000, 'f', 2, 64) + "s"
	case ms >= 99.95:
		return strconv.FormatFloat(ms, 'f', 0, 64) + "ms"
	case ms >= 9.995:
		return strconv.FormatFloat(ms, 'f', 1, 64) + "ms"
	case ms >= 0.9995:
		return strconv.FormatFloat(ms, 'f', 2, 64) + "ms"
	default:
		return strconv.FormatFloat(ms*1000, 'f', 0, 64) + "µs"
	}
}
