# Common helpers for the jail(2) tooling.  Sourced, not run.
# shellcheck shell=bash

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$TOP/build
# JAIL_TREE: another checkout of the series (check-prefixes uses a worktree).
TREE=${JAIL_TREE:-$BUILD/linux}
LOGS=$BUILD/logs
mkdir -p "$LOGS"
# Caches every clone on this machine shares: the verified source tarball
# (dl/) and the compiler cache (ccache/).  Neither is trusted blindly (the
# tarball's sha256 is checked on every use, ccache hashes every input), and
# an empty cache costs only time.  JAIL_CACHE moves them; CCACHE_DIR moves
# the compiler cache alone.
CACHE=${JAIL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/jail-linux}
export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}

say()  { printf '%s\n' "$*"; }
step() { printf '==> %s\n' "$*"; }
die()  { printf 'error: %s\n' "$*" >&2; exit 1; }

# run_logged NAME CMD...: run CMD with its output in build/logs/NAME.log;
# on failure print the lines that matter and exit non-zero.
run_logged() {
	local name=$1 log=$LOGS/$1.log
	shift
	if ! "$@" >"$log" 2>&1; then
		printf 'error: step "%s" failed; the lines that matter (full log: %s):\n' \
			"$name" "${log#"$TOP"/}" >&2
		show_failure "$log" >&2
		exit 1
	fi
}

# show_failure LOG: the compiler errors, rejected hunks or panics, else the tail.
show_failure() {
	local hits
	hits=$(grep -E -n -m 25 \
		'error:|Error [0-9]|\*\*\*|undefined reference|patch failed|does not apply|Patch failed at|Kernel panic|BUG:|Oops|No such file' \
		"$1" || true)
	if [ -n "$hits" ]; then
		printf '%s\n' "$hits"
	else
		tail -n 25 "$1"
	fi
}

# Paths the rest of the tooling depends on.
BZIMAGE=$BUILD/bzImage
HDRS=$BUILD/usr
KOBJ=$BUILD/kobj-test

PATCHES=$TOP/patches
SERIES=$PATCHES/series

# The patch files named by the quilt series, in order.
series_files() {
	[ -f "$SERIES" ] || die "patches/series is missing"
	local name rest
	while read -r name rest; do
		case "$name" in ''|'#'*) continue ;; esac
		[ -f "$PATCHES/$name" ] || die "patches/series names $name, but patches/$name does not exist"
		echo "$PATCHES/$name"
	done <"$SERIES"
}

# Patch ids of the series in patches/, one per line, in order.
repo_ids() {
	local f files
	files=$(series_files) || exit 1
	for f in $files; do
		git patch-id --stable <"$f" | cut -d' ' -f1
	done
}

# Patch ids of the commits on top of "upstream" in the tree, in order.
tree_ids() {
	local c
	for c in $(git -C "$TREE" rev-list --reverse upstream..HEAD); do
		git -C "$TREE" show "$c" | git patch-id --stable | cut -d' ' -f1
	done
}


# Files a patch adds, none of which may be left without a MAINTAINERS entry.
unmaintained_new_files() {
	awk '/^diff --git /{f=$4; sub(/^b\//, "", f)} /^new file mode/{print f}' "$1" |
	while IFS= read -r nf; do
		sections=$(cd "$TREE" && scripts/get_maintainer.pl --no-git --no-git-fallback --sections -f "$nf" 2>/dev/null)
		grep -q '^JAIL(2) ' <<<"$sections" || echo "$nf"
	done
}

# checkpatch_patch PATCH: scripts/checkpatch.pl --strict on one patch; prints
# its report, returns non-zero on any finding.  Its FILE_PATH_CHANGES
# warning ("does MAINTAINERS need updating?") fires for every added file,
# covered or not; the real question, whether the series' MAINTAINERS entry
# covers each added file, is checked directly.
checkpatch_patch() {
	local out ok=1 orphans
	# Debian's python3 first: checkpatch runs spdxcheck.py, which needs
	# python3-ply, and a python3 of another install may lack it.
	out=$(cd "$TREE" && PATH=/usr/bin:/bin:$PATH scripts/checkpatch.pl --strict \
		--ignore FILE_PATH_CHANGES --showfile "$1" 2>&1) || ok=
	if grep -q '^Traceback' <<<"$out"; then
		ok=
		out+=$'\n'"ERROR: a checkpatch helper crashed (see the traceback above)"
	fi
	orphans=$(unmaintained_new_files "$1")
	if [ -n "$orphans" ]; then
		ok=
		out+=$'\n'"ERROR: added files outside the JAIL(2) MAINTAINERS entry: $orphans"
	fi
	printf '%s\n' "$out"
	[ -n "$ok" ]
}
