// Package layout holds no code: its test checks that spikegraph's imports
// point down only (cmd -> session -> models -> graph/ops).
package layout
