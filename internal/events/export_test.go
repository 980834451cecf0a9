package events

// Wakeups is how many times a waiting subscription of h was woken.
func Wakeups(h *Hub) int64 { return h.wakeups.Load() }
