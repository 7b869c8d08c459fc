package knowledge

import (
	"runtime"
	"sync"
)

// scanParallelMin is the matrix size (floats) above which a scan is split
// over the CPUs; below it goroutine start-up costs more than it saves.
const scanParallelMin = 1 << 21

// scan writes the dot product of q with every row of the row-major matrix m
// (rows of len(q)) into out. Rows and q are unit length, so this is the
// cosine similarity. It replaces chromem-go's per-document query loop: one
// contiguous matrix is scanned at memory speed.
func scan(m []float32, q []float32, out []float32) {
	dim := len(q)
	rows := len(out)
	workers := runtime.GOMAXPROCS(0)
	if rows*dim < scanParallelMin || workers < 2 {
		scanRows(m, q, out, 0, rows)
		return
	}
	var wg sync.WaitGroup
	per := (rows + workers - 1) / workers
	for lo := 0; lo < rows; lo += per {
		hi := min(lo+per, rows)
		wg.Add(1)
		go func() {
			defer wg.Done()
			scanRows(m, q, out, lo, hi)
		}()
	}
	wg.Wait()
}

func scanRows(m, q, out []float32, lo, hi int) {
	dim := len(q)
	for r := lo; r < hi; r++ {
		out[r] = dot32(m[r*dim:(r+1)*dim:(r+1)*dim], q)
	}
}

// dot32 is a dot product unrolled by eight with independent accumulators,
// which lets the CPU overlap the multiplies.
func dot32(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3, s4, s5, s6, s7 float32
	i := 0
	for ; i+8 <= len(a); i += 8 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
		s4 += a[i+4] * b[i+4]
		s5 += a[i+5] * b[i+5]
		s6 += a[i+6] * b[i+6]
		s7 += a[i+7] * b[i+7]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3) + (s4 + s5) + (s6 + s7)
}
