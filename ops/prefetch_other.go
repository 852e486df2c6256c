//go:build !amd64 || noasm

package ops

import "unsafe"

// prefetchRow does nothing off amd64 (or with the noasm build tag).
func prefetchRow(a unsafe.Pointer, na int, b unsafe.Pointer, nb int) {}
