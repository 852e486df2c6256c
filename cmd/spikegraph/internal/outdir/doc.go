// Package outdir lays out the output folder of spikegraph's commands: one
// folder per run, a link to the newest complete run, and a status in every
// run's summary.json, so that a run killed at any moment never leaves a
// torn or mixed set of outputs and never touches another run's or a
// user's files.
//
// # Overview
//
// The output directory given with --out is a parent:
//
//	out/recurrent/
//	    20261130T064501.123Z-seed1/   one run: summary.json, spikes.csv, ...
//	    20261130T064733.020Z-seed2/
//	    latest -> 20261130T064733.020Z-seed2
//
//	run, err := outdir.Begin(parent, name, seed, command, version)
//	... simulate, writing files with run.Create (streamed) or
//	    run.WriteJSON / WriteCSV / WriteNPY (whole) ...
//	err = run.Finish(outdir.StatusComplete, summary)
//
// [Begin] creates the run's own folder (no other run writes into it) and
// writes its summary.json with status "running" before anything else.
// [Run.Finish] syncs the files, replaces summary.json with the final
// summary and its status, and, for a complete run only, swaps the link
// "latest" in one rename. So "latest" always names a run whose summary
// says complete and whose files are all there; a run that is interrupted,
// diverges or fails keeps what it wrote under its status, and "latest"
// stays where it was.
//
// # State and steps
//
// Files written whole go through a temporary file, synced and renamed, so
// no name ever holds a partial file; files created with [Run.Create] are
// written as the run goes and keep what they hold when it stops. A run
// killed outright (SIGKILL, power loss) leaves its summary at "running";
// the next [Begin] in the same parent marks such a folder "interrupted"
// with "killed": true once its process is gone (checked by pid and the
// process's start time). Nothing is ever deleted. A user's file named
// "latest" in the parent is refused ([ErrNotOurs]) and kept.
//
// # Error handling
//
// Functions return errors and never panic on bad input. Messages start
// with "outdir:" and name the directory or file. Invalid names wrap
// [ErrInvalidName], a name written twice wraps [ErrDuplicate], use of a
// Run after Finish wraps [ErrFinished]; test them with errors.Is.
//
// # Concurrency
//
// A Run is not safe for concurrent use; write its files from one
// goroutine. Any number of runs, in one process or many, may use one
// parent at once: each writes only its own folder, and the last complete
// one to finish holds "latest".
package outdir
