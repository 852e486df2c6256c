// Package outdir writes the output files of one spikegraph run into an
// output directory so that a new run replaces an earlier run's outputs
// whole, never mixes files of two runs, and never deletes files that
// spikegraph did not write.
//
// # Overview
//
// A run has three phases:
//
//	run, err := outdir.Prepare(dir) // before the simulation: fails early if dir is unusable
//	defer run.Abort()               // no-op after a successful Commit
//	... simulate ...
//	run.WriteJSON("summary.json", s) // files go to a hidden staging directory
//	run.WriteNPY("v.npy", v, steps, n)
//	err = run.Commit()              // files become visible in dir
//
// [Prepare] creates dir if it is missing and a hidden staging directory
// (".spikegraph-staging-*") inside it, which proves that dir is writable and
// keeps later renames on one file system. Nothing else visible appears in
// dir until [Run.Commit]. [Run.Abort] removes the staging directory, so
// invalid input or a failed simulation leaves no partial output.
//
// # State and steps
//
// Commit records the files it moves into dir in a manifest,
// ".spikegraph-manifest.json". The next Commit deletes exactly the files
// that an earlier manifest names and that the new run did not write; files
// the manifest does not name (a user's notes, files of other tools) are
// never deleted. Without a readable manifest nothing is deleted. A name
// that the new run writes replaces the file of that name in dir, whoever
// wrote it: output names are reserved. The order of the steps of Commit
// and the window that an interruption leaves are described on
// [Run.Commit].
//
// Prepare also removes staging directories of killed runs: directories
// named ".spikegraph-staging-*" that are older than [StaleAfter]. It
// touches no other entry.
//
// # Error handling
//
// Functions return errors and never panic on bad input. Messages start
// with "outdir:" and name the directory or file. Invalid names wrap
// [ErrInvalidName], a name created twice wraps [ErrDuplicate], and use of
// a Run after Commit or Abort wraps [ErrFinished]; test them with
// errors.Is.
//
// # Concurrency
//
// A Run is not safe for concurrent use; write its files from one
// goroutine. Two runs that commit into the same directory at the same
// time are not supported: each commit is consistent on its own, but the
// surviving manifest may not name every file that the other run wrote.
package outdir
