#!/usr/bin/env bash
# Build every prefix of the series that touches kernel code, with
# CONFIG_JAIL=y and =n (the series rule "every prefix builds").  Checks out
# each commit in build/linux in turn and returns to HEAD at the end.
. "$(dirname "$0")/lib.sh"

[ -d "$TREE/.git" ] || die "no build/linux: run make tree first"
[ -z "$(git -C "$TREE" status --porcelain --untracked-files=no)" ] ||
	die "build/linux has uncommitted edits: commit them first"
head=$(git -C "$TREE" symbolic-ref -q HEAD || git -C "$TREE" rev-parse HEAD)
trap 'git -C "$TREE" checkout -q "${head#refs/heads/}"' EXIT

fail=0
for c in $(git -C "$TREE" rev-list --reverse upstream..HEAD); do
	subj=$(git -C "$TREE" log -1 --format=%s "$c")
	# Patches that change only selftests or documentation build nothing new.
	if ! git -C "$TREE" diff --name-only "$c~" "$c" | grep -qvE '^(tools/testing/|Documentation/)'; then
		continue
	fi
	git -C "$TREE" checkout -q "$c"
	for j in y n; do
		if JAIL=$j "$TOP/scripts/build-kernel.sh" >"$LOGS/prefix.log" 2>&1; then
			echo "ok   CONFIG_JAIL=$j  $subj"
		else
			echo "FAIL CONFIG_JAIL=$j  $subj (build/logs/kernel-*.log)"
			show_failure "$LOGS/prefix.log" | sed 's/^/    /'
			fail=1
		fi
	done
done
exit $fail
