package blobs_test

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/motoserver"
)

// BenchmarkS3Put200MB puts a 200 MB stream into the S3 store on moto and
// reports the process's peak resident memory (VmHWM) and the peak Go heap
// seen while it ran: what one large upload costs the hub. Run it alone:
//
//	go test -run '^$' -bench S3Put200MB -benchtime 1x ./internal/store/blobs/
func BenchmarkS3Put200MB(b *testing.B) {
	motoserver.Credentials(b)
	srv := motoserver.Start(b)
	const n = 200 << 20
	bucket := srv.CreateBucket(b, motoserver.BucketName(b))
	s := newS3(b, srv, bucket)
	runtime.GC()
	var peakHeap uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		var m runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				runtime.ReadMemStats(&m)
				peakHeap = max(peakHeap, m.HeapInuse)
			}
		}
	})
	b.SetBytes(n)
	for i := 0; b.Loop(); i++ {
		if _, err := s.Put(b.Context(), stream(uint64(100+i), n), n); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	close(stop)
	wg.Wait()
	b.ReportMetric(float64(peakHeap)/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(vmHWM(b))/(1<<20), "peak-RSS-MiB")
}

// vmHWM is the process's peak resident set size, in bytes.
func vmHWM(b *testing.B) int64 {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				b.Fatal(err)
			}
			return kb << 10
		}
	}
	b.Fatal("no VmHWM in /proc/self/status")
	return 0
}
