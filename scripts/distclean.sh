#!/usr/bin/env bash
# make distclean: remove build/linux too, unless it holds work patches/ lacks.
. "$(dirname "$0")/lib.sh"
if [ -d "$TREE/.git" ] && [ -z "${FORCE:-}" ]; then
	[ -z "$(git -C "$TREE" status --porcelain --untracked-files=no)" ] ||
		die "build/linux has uncommitted edits: commit and make export, or FORCE=1 make distclean"
	[ "$(tree_ids)" = "$(repo_ids)" ] ||
		die "build/linux has commits that patches/ lacks: make export, or FORCE=1 make distclean"
fi
rm -rf "$TREE"
