#!/usr/bin/env bash
# Build every prefix of the series that touches kernel code, with
# CONFIG_JAIL=y and =n (the series rule "every prefix builds"), in the
# worktree build/prefix-tree with object trees build/kobj-prefix-*.
#
#   scripts/check-prefixes.sh [RANGE]   (default upstream..HEAD of build/linux)
. "$(dirname "$0")/lib.sh"

[ -d "$BUILD/linux/.git" ] || die "no build/linux: run make tree first"
# The prefixes are built in a worktree of their own, with object trees of
# their own, so that build/linux (and whoever edits or reads it) and the
# test kernel's objects are left alone.
wt=$BUILD/prefix-tree
if [ ! -d "$wt/.git" ] && [ ! -f "$wt/.git" ]; then
	rm -rf "$wt"
	git -C "$BUILD/linux" worktree prune
	git -C "$BUILD/linux" worktree add -q --detach "$wt" HEAD || die "cannot make the worktree $wt"
fi
export JAIL_TREE=$wt KVARIANT_PREFIX=prefix-
range=${1:-upstream..HEAD}

fail=0
for c in $(git -C "$BUILD/linux" rev-list --reverse "$range"); do
	subj=$(git -C "$BUILD/linux" log -1 --format=%s "$c")
	# Patches that change only user space (tools/: the jail tools and the
	# selftests), documentation or MAINTAINERS build no new kernel.
	if ! git -C "$BUILD/linux" diff --name-only "$c~" "$c" | grep -qvE '^(tools/|Documentation/|MAINTAINERS$)'; then
		continue
	fi
	git -C "$wt" checkout -q --detach "$c"
	# Preparatory patches come before CONFIG_JAIL exists: one build.
	configs="y n"
	[ -f "$wt/kernel/Kconfig.jail" ] || configs=n
	for j in $configs; do
		if JAIL=$j "$TOP/scripts/build-kernel.sh" >"$LOGS/prefix.log" 2>&1; then
			echo "ok   CONFIG_JAIL=$j  $subj$([ "$configs" = n ] && echo ' (before CONFIG_JAIL exists)')"
		else
			echo "FAIL CONFIG_JAIL=$j  $subj (build/logs/kernel-*.log)"
			show_failure "$LOGS/prefix.log" | sed 's/^/    /'
			fail=1
		fi
	done
done
exit $fail
