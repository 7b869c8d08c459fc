package incident

import (
	"math"
	"testing"
)

func TestNegBinomTail(t *testing.T) {
	// A sure rate is a Poisson: P(X >= 3) for a mean of 1.
	poisson := 1 - math.Exp(-1)*(1+1+0.5)
	if got := negBinomTail(3, 1e7, 1e7, 1); math.Abs(got-poisson) > 1e-4 {
		t.Errorf("sure rate: P(X>=3) = %g; want the Poisson's %g", got, poisson)
	}
	// Shape 1 is a geometric: P(X >= k) = q^k with q = w/(rate+w).
	if got, want := negBinomTail(4, 1, 1, 1), math.Pow(0.5, 4); math.Abs(got-want) > 1e-9 {
		t.Errorf("shape 1: P(X>=4) = %g; want %g", got, want)
	}
	// An uncertain rate has the heavier tail.
	if sure, unsure := negBinomTail(8, 1e7, 1e7, 1), negBinomTail(8, 1, 1, 1); unsure <= sure {
		t.Errorf("uncertain %g not above sure %g", unsure, sure)
	}
	if got := negBinomTail(0, 1, 1, 1); got != 1 {
		t.Errorf("P(X>=0) = %g", got)
	}
}
