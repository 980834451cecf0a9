// Package pyenv gives tests the real Python tools whose protocols the hub
// speaks at its edge (the OpenLineage client, Feast), so an adapter's test
// drives the other tool's own client rather than a hand-made payload
// (CONVENTIONS 17a).
//
// It owns two things. Python makes, once per pinned requirements file, the
// virtual environment of deploy/python/requirements-NAME.txt through
// deploy/python/venv.sh, and returns its interpreter. Run runs a script in
// that interpreter in a clean environment: a throwaway HOME and working
// directory, no proxy, telemetry off, nothing of the caller's environment
// but what the test passes, and it fails the test with the script's stderr
// when the script fails.
//
// It must not be imported by production code (it is on the testing floor),
// must not skip a test: a missing python3 or an unreachable package index
// fails the test that needed it, with venv.sh's message. It must not let a
// script write outside its temporary directories or reach anything but what
// the test points it at; making a venv is the only time it uses the network
// (the package index).
package pyenv
