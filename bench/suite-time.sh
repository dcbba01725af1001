#!/usr/bin/env bash
# How long `make test` takes on fresh clones of two commits, one after the other on this machine.
#
#     bench/suite-time.sh BASE [HEAD]      e.g. bench/suite-time.sh e56716a
#
# Each commit is cloned afresh (its own .venv, no caches), `make test` runs in it, and the wall time of each
# run and their ratio are printed. Nothing else should run on the machine meanwhile: the figures are only
# as steady as the machine is quiet. `make bench` does not run this script (it takes two full test runs).
set -u
base=${1:?usage: bench/suite-time.sh BASE [HEAD]}
head=${2:-HEAD}
top=$(git rev-parse --show-toplevel) || exit 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

seconds_of_make_test() {  # commit → prints the wall seconds of `make test` on a fresh clone of it
    local dir="$work/$1"
    git clone -q "$top" "$dir" && git -C "$dir" checkout -q "$1" || return 2
    local start=$SECONDS
    (cd "$dir" && make test > "$dir.log" 2>&1) || { echo "make test failed at $1: see $dir.log" >&2; return 1; }
    echo $((SECONDS - start))
}

base_commit=$(git -C "$top" rev-parse --short "$base") || exit 2
head_commit=$(git -C "$top" rev-parse --short "$head") || exit 2
echo "make test on fresh clones, one after the other ($(nproc) cores)"
base_seconds=$(seconds_of_make_test "$base_commit") || exit 1
echo "  $base_commit  ${base_seconds} s"
head_seconds=$(seconds_of_make_test "$head_commit") || exit 1
echo "  $head_commit  ${head_seconds} s"
python3 -c "print(f'  ratio {$head_seconds / $base_seconds:.2f}')"
