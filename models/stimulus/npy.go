package stimulus

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// The .npy format (NumPy's "NEP 1"): the magic "\x93NUMPY", a major and a
// minor version byte, the header length (2 bytes in version 1, 4 in versions
// 2 and 3, little-endian), a header that is a Python dict literal with the
// keys 'descr', 'fortran_order' and 'shape', then the data.
//
// ReadSamplesNPY parses it itself rather than through tensor's ReadNpy,
// which panics on an empty array or a negative dimension and allocates
// whatever size the header claims before it reads any data.

var (
	npyDescr = regexp.MustCompile(`'descr'\s*:\s*'([^']*)'`)
	npyShape = regexp.MustCompile(`'shape'\s*:\s*\(([^)]*)\)`)
)

// maxNPYHeader bounds the header (NumPy writes a few hundred bytes).
const maxNPYHeader = 1 << 20

// readNPY1D reads a one-dimensional float64 or float32 .npy array as
// float64 values.
func readNPY1D(r io.Reader) ([]float64, error) {
	var pre [8]byte
	if _, err := io.ReadFull(r, pre[:]); err != nil {
		return nil, fmt.Errorf("not a .npy file (%w)", err)
	}
	if string(pre[:6]) != "\x93NUMPY" {
		return nil, fmt.Errorf("not a .npy file (magic %q)", pre[:6])
	}
	var hlen int
	switch pre[6] {
	case 1:
		var b [2]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return nil, fmt.Errorf("truncated header length (%w)", err)
		}
		hlen = int(binary.LittleEndian.Uint16(b[:]))
	case 2, 3:
		var b [4]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return nil, fmt.Errorf("truncated header length (%w)", err)
		}
		hlen = int(binary.LittleEndian.Uint32(b[:]))
	default:
		return nil, fmt.Errorf("format version %d.%d not supported (want 1, 2 or 3)", pre[6], pre[7])
	}
	if hlen > maxNPYHeader {
		return nil, fmt.Errorf("header of %d bytes, more than %d", hlen, maxNPYHeader)
	}
	header := make([]byte, hlen)
	if _, err := io.ReadFull(r, header); err != nil {
		return nil, fmt.Errorf("truncated header (%w)", err)
	}

	m := npyDescr.FindSubmatch(header)
	if m == nil {
		return nil, errors.New("no 'descr' in the header")
	}
	var order binary.ByteOrder
	var size int
	switch string(m[1]) {
	case "<f8":
		order, size = binary.LittleEndian, 8
	case ">f8":
		order, size = binary.BigEndian, 8
	case "<f4":
		order, size = binary.LittleEndian, 4
	case ">f4":
		order, size = binary.BigEndian, 4
	default:
		return nil, fmt.Errorf("dtype %q, want float64 or float32 ('<f8', '<f4', '>f8', '>f4')", m[1])
	}

	m = npyShape.FindSubmatch(header)
	if m == nil {
		return nil, errors.New("no 'shape' in the header")
	}
	var dims []string
	for _, d := range strings.Split(string(m[1]), ",") {
		if d = strings.TrimSpace(d); d != "" {
			dims = append(dims, d)
		}
	}
	if len(dims) != 1 {
		return nil, fmt.Errorf("shape (%s), want one dimension", m[1])
	}
	n, err := strconv.Atoi(dims[0])
	if err != nil || n < 0 {
		return nil, fmt.Errorf("shape (%s), want a length >= 0", m[1])
	}
	if n == 0 {
		return nil, errors.New("empty array")
	}
	if n > math.MaxInt/size-1 {
		return nil, fmt.Errorf("%d values, too many to read", n)
	}

	// Read what is there (at most one byte more than the header promises), so
	// that a header claiming a huge length costs no more than the file.
	data, err := io.ReadAll(io.LimitReader(r, int64(n*size+1)))
	if err != nil {
		return nil, fmt.Errorf("data (%w)", err)
	}
	if len(data) != n*size {
		return nil, fmt.Errorf("%d bytes of data, want %d (%d values of %d bytes)", len(data), n*size, n, size)
	}
	out := make([]float64, n)
	br := bytes.NewReader(data)
	if size == 8 {
		err = binary.Read(br, order, out)
	} else {
		f32 := make([]float32, n)
		err = binary.Read(br, order, f32)
		for i, x := range f32 {
			out[i] = float64(x)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("data (%w)", err)
	}
	return out, nil
}
