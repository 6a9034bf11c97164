#!/usr/bin/env bash
# ci/run-tests.sh: the one way a CI job runs kmapsim's tests. It runs the
# README's test command (`scripts/kmapsim test`), which installs the Debian
# packages it needs (apt-get, as root or through sudo), builds every preset
# that has tests and runs CTest in each. Any failure, or no test at all,
# fails the job with a line saying so.
#
# Used by this repository's own CI (.ci/run) and by the workflow files beside
# this script (ci/github/kmapsim.yml, ci/gitlab/kmapsim.gitlab-ci.yml).
# Extra arguments go to `scripts/kmapsim test` (e.g. `-L zoo`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

echo "==> scripts/kmapsim test $*"
rc=0
scripts/kmapsim test "$@" </dev/null || rc=$?
if ((rc != 0)); then
	echo "==> kmapsim tests FAILED: scripts/kmapsim test exited $rc" >&2
	exit 1
fi
echo "==> kmapsim tests passed"
