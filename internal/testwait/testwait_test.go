package testwait_test

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/testwait"
)

func TestUntilFollowsTheCondition(t *testing.T) {
	var n atomic.Int32
	if !testwait.Until(time.Minute, func() bool { return n.Add(1) >= 3 }) {
		t.Fatal("a condition that comes to hold was reported as never holding")
	}
	if n.Load() != 3 {
		t.Fatalf("condition checked %d times after it held at the third", n.Load())
	}
	if testwait.Until(30*time.Millisecond, func() bool { return false }) {
		t.Fatal("a condition that never holds was reported as holding")
	}
}
