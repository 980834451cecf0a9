package api

import "github.com/prometheus/client_golang/prometheus"

// CheckpointMetrics are the instruments of the event log's signed
// checkpoints; it is the checkpoint.Observer the wiring hands the
// checkpointer.
type CheckpointMetrics struct {
	mismatch prometheus.Gauge
	signed   prometheus.Counter
	seq      prometheus.Gauge
}

// Checkpoints returns the checkpoint instruments of m.
func (m *Metrics) Checkpoints() *CheckpointMetrics { return m.checkpoints }

// newCheckpointMetrics registers the checkpoint instruments in reg.
func newCheckpointMetrics(reg *prometheus.Registry) *CheckpointMetrics {
	c := &CheckpointMetrics{
		mismatch: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "exphub_event_log_checkpoint_mismatch",
			Help: "Signed checkpoints the stored event log no longer extends, at the latest check (truncated, rolled back or rewritten; a latest checkpoint older than one seen counts too). Anything above 0 needs an operator.",
		}),
		signed: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "exphub_event_log_checkpoints_signed_total",
			Help: "Checkpoints of the event log's head this replica signed and stored.",
		}),
		seq: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "exphub_event_log_checkpoint_seq",
			Help: "Seq of the latest checkpoint this replica signed.",
		}),
	}
	reg.MustRegister(c.mismatch, c.signed, c.seq)
	return c
}

// CheckpointSigned counts a checkpoint stored (checkpoint.Observer).
func (c *CheckpointMetrics) CheckpointSigned(seq int64) {
	c.signed.Inc()
	c.seq.Set(float64(seq))
}

// CheckpointsChecked sets the mismatch gauge (checkpoint.Observer).
func (c *CheckpointMetrics) CheckpointsChecked(mismatches int) { c.mismatch.Set(float64(mismatches)) }
