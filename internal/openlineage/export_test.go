package openlineage

// FillBacklog takes every free slot of s's backlog, as events waiting to
// be applied would, and returns what gives them back.
func FillBacklog(s *Service) (release func()) {
	n := 0
	for len(s.intake.slots) < cap(s.intake.slots) {
		s.intake.slots <- struct{}{}
		n++
	}
	return func() {
		for range n {
			<-s.intake.slots
		}
	}
}
