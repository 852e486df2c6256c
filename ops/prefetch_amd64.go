//go:build !noasm

package ops

import "unsafe"

// prefetchRow asks the CPU to fetch the memory of [a, a+na) and
// [b, b+nb) into cache (up to 2 KiB of each), and returns at once; it
// changes no value.
//
//go:noescape
func prefetchRow(a unsafe.Pointer, na int, b unsafe.Pointer, nb int)
