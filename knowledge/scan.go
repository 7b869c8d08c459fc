package knowledge

import (
	"runtime"
	"sync"
)

// scanParallelMin is the work (units times non-zero query dimensions) above
// which a scan is split over the CPUs; below it starting goroutines costs
// more than it saves.
const scanParallelMin = 1 << 20

// scan writes the dot product of q with every unit's vector into out (one
// per unit). Units are unit length, so these are cosine similarities.
//
// The matrix is stored by dimension (column-major), which replaces
// chromem-go's per-document query loop: each non-zero dimension of the
// query is one sequential pass over a contiguous column. A dense query
// (an Ollama embedding) reads the whole matrix once, at memory speed; the
// built-in embedder's queries are sparse (a short question has under a
// hundred features), so they read only those columns.
func scan(m []float32, q []float32, out []float32) {
	n := len(out)
	clear(out)
	nz := make([]int32, 0, len(q))
	for j, x := range q {
		if x != 0 {
			nz = append(nz, int32(j))
		}
	}
	workers := runtime.GOMAXPROCS(0)
	if n*len(nz) < scanParallelMin || workers < 2 {
		scanRange(m, q, nz, out, 0, n)
		return
	}
	var wg sync.WaitGroup
	// chunks aligned to 16 floats so workers do not share cache lines
	per := ((n+workers-1)/workers + 15) &^ 15
	for lo := 0; lo < n; lo += per {
		hi := min(lo+per, n)
		wg.Add(1)
		go func() {
			defer wg.Done()
			scanRange(m, q, nz, out, lo, hi)
		}()
	}
	wg.Wait()
}

// scanRange accumulates out[lo:hi] over the non-zero dimensions nz of q,
// in blocks that stay in the L1 cache while every dimension is added.
func scanRange(m, q []float32, nz []int32, out []float32, lo, hi int) {
	n := len(out)
	const block = 2048
	for b := lo; b < hi; b += block {
		e := min(b+block, hi)
		dst := out[b:e]
		for _, j := range nz {
			axpy(dst, m[int(j)*n+b:int(j)*n+e], q[j])
		}
	}
}

// axpy adds a*x to y, unrolled by eight.
func axpy(y, x []float32, a float32) {
	x = x[:len(y)]
	i := 0
	for ; i+8 <= len(y); i += 8 {
		y[i] += a * x[i]
		y[i+1] += a * x[i+1]
		y[i+2] += a * x[i+2]
		y[i+3] += a * x[i+3]
		y[i+4] += a * x[i+4]
		y[i+5] += a * x[i+5]
		y[i+6] += a * x[i+6]
		y[i+7] += a * x[i+7]
	}
	for ; i < len(y); i++ {
		y[i] += a * x[i]
	}
}
