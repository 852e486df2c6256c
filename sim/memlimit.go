package sim

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strconv"
	"strings"
)

// ErrNoMemoryLimit reports that MemoryLimit found neither /proc/meminfo's
// MemAvailable nor a cgroup limit (on a system other than Linux, say).
var ErrNoMemoryLimit = errors.New("sim: no memory limit found (no /proc/meminfo MemAvailable, no cgroup limit)")

// MemoryLimit returns the memory a run may take, in bytes: the lower of
// the memory available (MemAvailable in /proc/meminfo) and the memory
// limit of the process's cgroup and its ancestors (cgroup v2 memory.max,
// or cgroup v1 memory.limit_in_bytes; "max", or v1's huge value, means
// no limit). source names where the limit comes from, e.g.
// "MemAvailable (/proc/meminfo)". An error wraps ErrNoMemoryLimit when
// neither is found.
func MemoryLimit() (limit int64, source string, err error) {
	return memoryLimit(os.DirFS("/"))
}

// memoryLimit is MemoryLimit on the file system root.
func memoryLimit(root fs.FS) (int64, string, error) {
	limit, source := int64(-1), ""
	consider := func(b int64, src string) {
		if b >= 0 && (limit < 0 || b < limit) {
			limit, source = b, src
		}
	}
	var errs []error
	if b, err := memAvailable(root); err == nil {
		consider(b, "MemAvailable (/proc/meminfo)")
	} else {
		errs = append(errs, err)
	}
	for _, c := range cgroupLimitFiles(root) {
		b, err := readLimit(root, c)
		if err == nil {
			consider(b, "cgroup limit (/"+c+")")
		}
	}
	if limit < 0 {
		return 0, "", fmt.Errorf("%w: %w", ErrNoMemoryLimit, errors.Join(errs...))
	}
	return limit, source, nil
}

// memAvailable reads MemAvailable from /proc/meminfo.
func memAvailable(root fs.FS) (int64, error) {
	b, err := fs.ReadFile(root, "proc/meminfo")
	if err != nil {
		return 0, err
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 3 && f[0] == "MemAvailable:" && f[2] == "kB" {
			kb, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil || kb < 0 || kb > 1<<52 {
				return 0, fmt.Errorf("/proc/meminfo: MemAvailable %q", f[1])
			}
			return kb << 10, nil
		}
	}
	return 0, errors.New("/proc/meminfo: no MemAvailable line")
}

// cgroupLimitFiles returns the memory limit files that apply to the
// process, relative to root: those of its cgroups (from /proc/self/cgroup)
// and their ancestors, v2 and v1, and the mount roots' own.
func cgroupLimitFiles(root fs.FS) []string {
	files := []string{"sys/fs/cgroup/memory.max", "sys/fs/cgroup/memory/memory.limit_in_bytes"}
	b, err := fs.ReadFile(root, "proc/self/cgroup")
	if err != nil {
		return files
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		// hierarchy-ID:controllers:path; v2 is "0::/path".
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 || !strings.HasPrefix(parts[2], "/") {
			continue
		}
		var dir, file string
		switch {
		case parts[0] == "0" && parts[1] == "":
			dir, file = "sys/fs/cgroup", "memory.max"
		case hasController(parts[1], "memory"):
			dir, file = "sys/fs/cgroup/memory", "memory.limit_in_bytes"
		default:
			continue
		}
		for p := path.Clean(parts[2]); p != "/" && p != "."; p = path.Dir(p) {
			files = append(files, path.Join(dir, p, file))
		}
	}
	return files
}

func hasController(list, name string) bool {
	for c := range strings.SplitSeq(list, ",") {
		if c == name {
			return true
		}
	}
	return false
}

// noLimit is the value from which a cgroup v1 limit means none (the
// kernel writes 2^63 rounded down to a page).
const noLimit = 1 << 62

// readLimit reads a cgroup limit file: bytes, or -1 for none.
func readLimit(root fs.FS, name string) (int64, error) {
	b, err := fs.ReadFile(root, name)
	if err != nil {
		return 0, err
	}
	s := strings.TrimSpace(string(b))
	if s == "max" {
		return -1, nil
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		if strings.Trim(s, "0123456789") == "" && s != "" {
			return -1, nil // beyond int64: no limit
		}
		return 0, fmt.Errorf("/%s: %q is not a number of bytes", name, s)
	}
	if v >= noLimit {
		return -1, nil
	}
	if v < 0 {
		return 0, fmt.Errorf("/%s: %d bytes", name, v)
	}
	return v, nil
}
