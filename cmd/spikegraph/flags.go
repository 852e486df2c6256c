package main

import (
	"errors"
	"flag"
	"io"
	"strings"
)

// onceValue refuses a flag given twice: a repeated flag is a mistake, and
// the flag package would silently keep the last value.
type onceValue struct {
	flag.Value
	name string
	set  bool
	dup  *string // where the first repeated flag's name goes
}

// Set sets the value the first time and refuses a second.
func (v *onceValue) Set(s string) error {
	if v.set {
		if *v.dup == "" {
			*v.dup = v.name
		}
		return errRepeated
	}
	v.set = true
	return v.Value.Set(s)
}

// IsBoolFlag keeps bool flags usable without a value (--notebook).
func (v *onceValue) IsBoolFlag() bool {
	b, ok := v.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

var errRepeated = errors.New("given twice")

// newFlagSet returns a flag set that reports nothing itself.
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// parseFlags parses args with fs, flags and positional arguments in any
// order (the flag package alone stops at the first positional one), and
// returns the positional arguments and the names of the flags given. A
// flag given twice is a usage error; -h and --help return flag.ErrHelp.
func parseFlags(fs *flag.FlagSet, args []string) (positional []string, set map[string]bool, err error) {
	var dup string
	fs.VisitAll(func(f *flag.Flag) { f.Value = &onceValue{Value: f.Value, name: f.Name, dup: &dup} })
	for {
		if err := fs.Parse(args); err != nil {
			switch {
			case errors.Is(err, flag.ErrHelp):
				return nil, nil, flag.ErrHelp
			case dup != "":
				return nil, nil, usagef("--%s: given twice", dup)
			}
			if name, ok := strings.CutPrefix(err.Error(), "flag provided but not defined: "); ok {
				return nil, nil, usagef("unknown flag %s", name)
			}
			return nil, nil, usagef("%v", err)
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		positional, args = append(positional, rest[0]), rest[1:]
	}
	set = map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return positional, set, nil
}
