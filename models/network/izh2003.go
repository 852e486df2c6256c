package network

import "errors"

// newIzh2003 builds the network of Izhikevich (2003). Not built yet.
func newIzh2003(o Options) (*Net, error) {
	return nil, errors.New("network: izhikevich2003: not built yet")
}
