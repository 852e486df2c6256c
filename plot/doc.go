// Package plot renders spiking-network figures as PNG images with
// gonum.org/v1/plot: a membrane-voltage trace, a spike raster, a grid of
// voltage-over-current panels and a population rate over its power
// spectrum.
//
// # Overview
//
// [TracePNG] draws one neuron's voltage over time as a line. [RasterPNG]
// draws spikes as the seed notebook does: inhibitory neurons' spikes in red
// on the bottom rows (row = rank among inhibitory neurons), excitatory
// neurons' spikes in black above them (row = number of inhibitory neurons +
// rank among excitatory neurons), time in ms on x from 0 to the duration,
// neuron rows on y from 0 to N; the y axis says so ([RasterYLabelRanks],
// ticks counting each population from "inh 0" and "exc 0"), or, without
// inhibitory neurons, shows the neuron ids ([RasterYLabelIDs]). A [Window]
// marks a stimulus with dashed lines and names it in the x label. Every
// axis has plain tick labels ("-60", "0.5", never "25.00"). Each has a
// Save*PNG variant that writes a file. Figures are [WidthInches] ×
// [HeightInches] at [DPI].
//
// [GridPNG] draws a published figure's panels in a grid of the size it is
// given (Izhikevich 2004, Fig. 1: 5 × 4; Izhikevich 2003, Fig. 2: 2 × 4):
// each panel a voltage trace in black over its input current in blue,
// scaled into a band of [BandHeightMv] below the trace, as Izhikevich's
// figure program draws it, with the band's own scale in blue
// ([CurrentScaleLabel]: "I: 0 to 14"). The tiles are aligned with gonum/plot's Align;
// each has its own time axis and a voltage axis from the current band to
// at least [VTopMv].
//
// [SpectrumPNG] draws a population rate over time above its power spectrum
// on a log scale, [WidthInches] × 2·[HeightInches]; the rate and spectrum
// are the ones that package analysis computes (analysis.Rhythm, or
// analysis.PopulationRate and analysis.Welch).
//
// [PopulationRatePNG] draws a population's rate over time as a step line,
// and [RateHistogramPNG] the distribution of its neurons' rates (red for
// an inhibitory population); [CSVEvents] reads a spikes.csv file's events
// for any other use.
//
// The package takes plain slices, not recordings or sessions, so figures
// can be drawn from any source. Figures of long runs can be drawn from
// the files the run streamed instead, in constant memory:
// [RasterPNGFromCSV] reads spikes.csv once ([RasterSeqPNG] takes the
// events from any iterator) and [TracePNGFromNPY] reads one column of
// v.npy; each gives the bytes of its in-memory counterpart for the same
// data. It imports gonum.org/v1/plot under the name
// gplot, since both packages are called plot.
//
// # State and steps
//
// Rendering keeps its cost bounded at any input size. A trace with more
// than [SamplesPerColumn] samples per pixel column of the plot area (about
// 1,400 samples in all; a grid tile's own width counts for GridPNG) is
// decimated to the minimum and maximum
// of each pixel column of the plot area and drawn as a filled band between
// them, so spike peaks and troughs stay visible; [SpectrumPNG] draws a
// population rate of that many bins the same way. A raster with more
// than [MaxRasterEvents] events is drawn binned: one bin per pixel of the
// plot area in time and at most one bin per neuron row,
// coloured red or black by the population with more spikes in the bin
// and shaded from light (one spike) to full colour (the fullest bin) on a
// log scale. The title then says "binned".
//
// # Error handling
//
// Inputs are validated before anything is drawn or written; errors start
// with "plot:" and name the offending index. The functions never panic
// on bad input. The Save*PNG variants create the file only after the
// figure has rendered, but a write error can leave a partial file: when
// that matters, write into a staging directory and rename the file into
// place once it is complete (the spikegraph command does so).
//
// # Concurrency
//
// The functions keep no state of their own and may be called from several
// goroutines. They use gonum/plot's default fonts, which gonum/plot loads
// once and shares.
package plot
