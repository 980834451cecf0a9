// Package errs holds what every layer of the hub shares about errors. For
// now that is how an error message quotes what a caller sent: a message
// names the bad input, but never echoes a megabyte of it back.
package errs

import (
	"strconv"
	"unicode/utf8"
)

// MaxQuoted is the most bytes of a caller's input an error message quotes.
const MaxQuoted = 64

// Truncate returns s cut to at most n bytes on a rune boundary, with "…"
// and the original length appended when it was cut.
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return prefix(s, n) + "… (" + strconv.Itoa(len(s)) + " bytes)"
}

// Clip is Truncate to MaxQuoted bytes.
func Clip(s string) string { return Truncate(s, MaxQuoted) }

// Quote is strconv.Quote of at most MaxQuoted bytes of s, followed by "…"
// and the length of s when it is longer: what %q of a caller's input
// should print.
func Quote[S ~string](s S) string {
	if len(s) <= MaxQuoted {
		return strconv.Quote(string(s))
	}
	return strconv.Quote(prefix(string(s), MaxQuoted)) + "… (" + strconv.Itoa(len(s)) + " bytes)"
}

func prefix(s string, n int) string {
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
