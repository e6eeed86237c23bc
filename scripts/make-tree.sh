#!/usr/bin/env bash
# make tree: build/linux is a git work tree whose tag "upstream" is the
# pristine source and whose commits on top are patches/, one commit each.
#
# Idempotent.  The tree is rebuilt only when the base changed; its commits
# are re-applied only when patches/ changed.  Work in build/linux that
# patches/ lacks is never thrown away: the script stops and says so.
. "$(dirname "$0")/lib.sh"

source_id() {
	local tarball=$1
	if [ -n "${KERNEL_TARBALL:-}" ]; then
		echo "tarball:$(sha256sum "$tarball" | cut -d' ' -f1)"
	else
		. "$TOP/pin"
		echo "debian:$KERNEL_PACKAGE:$KERNEL_VERSION:$KERNEL_TARBALL_SHA256"
	fi
}

# Unpack the tarball into a fresh tree with one "upstream" commit holding
# every file.  Built beside build/linux and renamed into place only when
# complete, so an interrupted run leaves nothing the next run trusts.
create_tree() {
	local tarball=$1 id=$2 tmp=$BUILD/linux.tmp
	rm -rf "$tmp"
	mkdir -p "$tmp"
	step "unpacking $(basename "$tarball") (about a minute)"
	run_logged unpack tar -xf "$tarball" --strip-components=1 -C "$tmp"
	[ -f "$tmp/Makefile" ] && grep -q '^PATCHLEVEL = 12$' "$tmp/Makefile" ||
		die "$(basename "$tarball") is not a Linux 6.12 source tarball"
	step "committing the pristine source as tag upstream (about 30 s)"
	(
		cd "$tmp"
		git init -q -b master
		git config core.autocrlf false
		# Debian's .gitignore ignores every top-level path; -f keeps the
		# whole tree in the upstream commit.
		git add -f -A .
		GIT_AUTHOR_DATE='2000-01-01T00:00:00Z' GIT_COMMITTER_DATE='2000-01-01T00:00:00Z' \
			git -c user.name=upstream -c user.email=upstream@localhost \
			commit -q -m "upstream: $(basename "$tarball")"
		git tag upstream
		# Let new files (kernel/jail.c, ...) show up in git status: drop
		# Debian's "ignore everything at the top level" lines from the work
		# tree's copy only; skip-worktree keeps that edit out of commits.
		sed -i '/^\/\*$/d; /^!\/debian\/$/d' .gitignore
		git update-index --skip-worktree .gitignore
		echo "$id" >.git/jail-base
		: >.git/jail-synced
	) >"$LOGS/upstream-commit.log" 2>&1 || { show_failure "$LOGS/upstream-commit.log"; die "could not commit the pristine tree"; }
	rm -rf "$TREE"
	mv "$tmp" "$TREE"
}

# Apply patches/ on top of upstream, one commit per patch.
apply_series() {
	local f files
	files=$(series_files) || exit 1
	git -C "$TREE" reset -q --hard upstream
	: >"$TREE/.git/jail-synced"
	for f in $files; do
		if ! git -C "$TREE" am -q --committer-date-is-author-date "$f" >"$LOGS/am.log" 2>&1; then
			git -C "$TREE" am --abort >/dev/null 2>&1 || true
			git -C "$TREE" reset -q --hard upstream
			: >"$TREE/.git/jail-synced"
			echo "error: patches/$(basename "$f") does not apply (full log: build/logs/am.log):" >&2
			grep -E 'patch failed|does not apply|error:|already exists' "$LOGS/am.log" >&2 || tail -5 "$LOGS/am.log" >&2
			die "build/linux was reset to upstream; fix the patch and run make tree again"
		fi
	done
	tree_ids >"$TREE/.git/jail-synced"
	step "applied $(echo "$files" | grep -c . || true) patch(es) on upstream"
}

tarball=$("$TOP/scripts/fetch-source.sh")
id=$(source_id "$tarball")
rm -rf "$BUILD/linux.tmp"

if [ ! -d "$TREE/.git" ] || [ "$(cat "$TREE/.git/jail-base" 2>/dev/null)" != "$id" ]; then
	if [ -d "$TREE/.git" ] && [ -z "${FORCE:-}" ]; then
		if [ "$(tree_ids)" != "$(cat "$TREE/.git/jail-synced")" ] &&
		   [ "$(tree_ids)" != "$(repo_ids)" ]; then
			die "build/linux is on another base and holds commits that patches/ lacks: make export first (or FORCE=1 make tree to drop them)"
		fi
		if [ -n "$(git -C "$TREE" status --porcelain --untracked-files=no)" ]; then
			die "build/linux is on another base and has uncommitted edits: commit and export them (or FORCE=1 make tree to drop them)"
		fi
	fi
	create_tree "$tarball" "$id"
	apply_series
	exit 0
fi

cur=$(tree_ids)
want=$(repo_ids) || exit 1
synced=$(cat "$TREE/.git/jail-synced")
[ "$cur" = "$want" ] && { echo "$cur" >"$TREE/.git/jail-synced"; exit 0; }
if [ "$want" = "$synced" ]; then
	# patches/ did not change: the tree holds work in progress; build it.
	echo "note: build/linux has commits that patches/ lacks (make export saves them)" >&2
	exit 0
fi
if [ -n "$(git -C "$TREE" status --porcelain --untracked-files=no)" ] && [ -z "${FORCE:-}" ]; then
	die "build/linux has uncommitted edits and patches/ changed: commit and export them, or FORCE=1 make tree"
fi
if [ "$cur" != "$synced" ] && [ -z "${FORCE:-}" ]; then
	die "build/linux holds commits that patches/ lacks, and patches/ changed too: make export (then merge), or FORCE=1 make tree to reset it to patches/"
fi
step "patches/ changed: re-applying the series"
apply_series
