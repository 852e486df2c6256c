// Package report writes one run as a self-contained HTML page
// (spikegraph run --report writes it as report.html).
//
// # Overview
//
// Write takes a Run (the run's parameters and statistics, its spikes.csv
// and v.npy, the view of its step graph and its per-op profile) and writes
// a page with the parameters, summary statistics (with each population's
// mean, median and largest rate and its silent share), the raster, the
// recorded neurons' voltage traces, the population rate, a rate histogram
// per population, the graph (SVG drawn by graphviz's dot when it is
// installed, else the graph's table) and the profile. Every image is a
// data: URI and the page has no script, so it opens with no network and
// no other file.
//
// # State and steps
//
// The spikes are read twice (counts, then the raster) and the traces once
// per recorded neuron, in constant memory beyond one count per neuron and
// per rate bin; the images are held in memory until the page is written.
//
// # Error handling
//
// A Run with a bad field (DtMs, Steps, N, Inh, missing readers) is an
// error naming the field; a malformed spikes.csv is an error naming its
// line; a cancelled ctx stops between figures. Nothing is written to w
// before every part is ready. Nothing panics.
//
// # Concurrency
//
// Write reads r's readers: do not share them with another goroutine
// meanwhile.
package report
