package main

import (
	"math"
	"slices"
)

// median is the middle of the samples, the mean of the two middle ones for
// an even count; NaN for none.
func median(samples []float64) float64 {
	if len(samples) == 0 {
		return math.NaN()
	}
	s := slices.Sorted(slices.Values(samples))
	mid := len(s) / 2
	if len(s)%2 == 1 {
		return s[mid]
	}
	return (s[mid-1] + s[mid]) / 2
}

// percentile is the nearest-rank percentile: the smallest sample that at
// least p percent of the samples do not exceed. It never invents a figure
// between two samples, so with fewer than 100 samples p99 is the slowest.
func percentile(samples []float64, p float64) float64 {
	if len(samples) == 0 {
		return math.NaN()
	}
	s := slices.Sorted(slices.Values(samples))
	rank := int(math.Ceil(p / 100 * float64(len(s))))
	return s[min(max(rank, 1), len(s))-1]
}
