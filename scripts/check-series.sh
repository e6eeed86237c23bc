#!/usr/bin/env bash
# make check-series: what upstream reviewers and distro kernel builders check
# before they take the series.  One "ok" or "FAIL" line per check, with what
# failed and where; exits non-zero if anything failed.
#
#   apply       git am and quilt push -a on a pristine tree both give exactly
#               the tree of build/linux
#   checkpatch  scripts/checkpatch.pl --strict on every patch
#   kernel-doc  -none -Wall: no new warning in any file the series adds or
#               changes
#   prefixes    every prefix builds with CONFIG_JAIL=y and =n
#               (scripts/check-prefixes.sh; prefixes that change only
#               selftests or documentation build the previous kernel)
#   W=1, sparse the touched objects of the test kernel, built with W=1 and
#               checked by sparse (C=2): no warning on a line the series adds
#   debian      the touched objects compile without a warning under Debian's
#               own 6.12 configuration (linux-config-6.12) with CONFIG_JAIL=y
#   allmodconfig  the same under allmodconfig (IPv6, compat, modules, ...)
#   arm64       the touched objects cross-compile for arm64 without a warning
#               under Debian's arm64 configuration (crossbuild-essential-arm64)
#   rewrites    no more than 20 lines that one patch adds are removed or
#               changed by a later patch (scripts/count-rewrites.py)
#   archive     for every linux-source-6.12 version the apt archive serves,
#               whether the series applies with no fuzz (patch -p1 -F0)
#
#   CHECKS="apply checkpatch"   run only these
. "$(dirname "$0")/lib.sh"

S=$TOP/scripts
DEPS_EXTRA="sparse linux-config-6.12 crossbuild-essential-arm64 curl ${DEPS_EXTRA:-}" "$S/deps.sh"
"$S/make-tree.sh"

CHECKS=${CHECKS:-apply rewrites checkpatch kernel-doc prefixes w1-sparse debian allmodconfig arm64 archive}
failed=()
result() { # NAME OK? DETAIL...
	local name=$1 ok=$2
	shift 2
	if [ "$ok" = 1 ]; then
		printf 'ok    %s\n' "$name"
	else
		printf 'FAIL  %s\n' "$name"
		[ $# -gt 0 ] && printf '%s\n' "$@" | sed 's/^/      /'
		failed+=("$name")
	fi
}
want() { [[ " $CHECKS " == *" $1 "* ]]; }

series_list=$(series_files)
# The C files the series adds or changes, outside tools/ (user space).
touched_c=$(git -C "$TREE" diff --name-only upstream HEAD -- '*.c' | grep -v '^tools/' || true)
touched_objs=$(sed 's/\.c$/.o/' <<<"$touched_c")

# ---- apply ------------------------------------------------------------
if want apply; then
	step "apply: git am and quilt push -a on the pristine tree"
	wt=$BUILD/apply-tree
	git -C "$TREE" worktree prune
	[ -e "$wt/.git" ] || git -C "$TREE" worktree add -q --detach "$wt" upstream
	ok=1 detail=()
	git -C "$wt" checkout -q -f --detach upstream && git -C "$wt" clean -q -fdx
	# shellcheck disable=SC2086 # one path per word
	if ! git -C "$wt" -c user.name=check -c user.email=check@localhost \
		am -q --whitespace=error-all $series_list >"$LOGS/apply-am.log" 2>&1; then
		ok=0 detail+=("git am failed: $(grep -m3 -E 'error|Patch failed' "$LOGS/apply-am.log" | tr '\n' ' ')")
		git -C "$wt" am --abort >/dev/null 2>&1 || true
	elif ! git -C "$wt" diff --quiet HEAD "$(git -C "$TREE" rev-parse HEAD)"; then
		ok=0 detail+=("git am gives another tree than build/linux: $(git -C "$wt" diff --stat HEAD "$(git -C "$TREE" rev-parse HEAD)" | tail -1)")
	fi
	git -C "$wt" checkout -q -f --detach upstream && git -C "$wt" clean -q -fdx
	if ! (cd "$wt" && QUILT_PATCHES=$PATCHES QUILT_SERIES=series QUILT_PC=.pc \
		quilt push -a -q --fuzz=0) >"$LOGS/apply-quilt.log" 2>&1; then
		ok=0 detail+=("quilt push -a failed: $(grep -m3 -iE 'fail|error|hunk' "$LOGS/apply-quilt.log" | tr '\n' ' ')")
	else
		rm -rf "$wt/.pc"
		# -f: Debian's .gitignore ignores every top-level path.
		git -C "$wt" add -f -A .
		if ! git -C "$wt" diff --cached --quiet "$(git -C "$TREE" rev-parse HEAD)"; then
			ok=0 detail+=("quilt push -a gives another tree than build/linux")
		fi
		git -C "$wt" reset -q --hard upstream
	fi
	result "apply (git am, quilt push -a: $(wc -w <<<"$series_list") patches)" "$ok" "${detail[@]}"
fi

# ---- rewrites -----------------------------------------------------------
if want rewrites; then
	step "lines one patch adds and a later one removes or changes"
	(cd "$TREE" && python3 "$S/count-rewrites.py" upstream HEAD) >"$LOGS/rewrites.log" 2>&1 || true
	n=$(sed -n 's/^rewritten lines: //p' "$LOGS/rewrites.log")
	result "rewrites: $n line(s) added by one patch and changed by a later one (at most 20)" \
		"$([ -n "$n" ] && [ "$n" -le 20 ] && echo 1)" "$(grep -v '^rewritten lines' "$LOGS/rewrites.log" | head -20)"
fi

# ---- checkpatch -------------------------------------------------------
if want checkpatch; then
	step "checkpatch --strict on every patch"
	bad=()
	: >"$LOGS/checkpatch-series.log"
	for f in $series_list; do
		checkpatch_patch "$f" >>"$LOGS/checkpatch-series.log" 2>&1 || bad+=("patches/$(basename "$f")")
	done
	result "checkpatch --strict (build/logs/checkpatch-series.log)" "$([ ${#bad[@]} -eq 0 ] && echo 1)" "${bad[@]}"
fi

# ---- kernel-doc -------------------------------------------------------
if want kernel-doc; then
	step "kernel-doc -none -Wall on the files the series adds or changes"
	files=$(git -C "$TREE" diff --name-only upstream HEAD -- '*.c' '*.h' | grep -v '^tools/' || true)
	# shellcheck disable=SC2086
	out=$(python3 "$S/new-warnings.py" kernel-doc "$TREE" $files 2>&1) && ok=1 || ok=0
	result "kernel-doc -Wall, no new warning ($(wc -w <<<"$files") files)" "$ok" "$out"
fi

# ---- prefixes -----------------------------------------------------------
if want prefixes; then
	step "every prefix builds with CONFIG_JAIL=y and =n (log: build/logs/check-prefixes.log)"
	"$S/check-prefixes.sh" >"$LOGS/check-prefixes.log" 2>&1 && ok=1 || ok=0
	result "prefixes, CONFIG_JAIL=y and =n ($(grep -c '^ok' "$LOGS/check-prefixes.log") builds)" \
		"$ok" "$(grep -A5 '^FAIL' "$LOGS/check-prefixes.log" || true)"
fi

# objects_in NAME: configure build/kobj-NAME (the caller wrote its .config
# already), then compile the touched objects with extra make arguments.
# Objects that configuration does not build are skipped and listed.
compile_touched() {
	local name=$1 obj=$BUILD/kobj-$1 log=$LOGS/series-$1.log
	shift
	local cc=${CROSS_COMPILE:-}gcc
	command -v ccache >/dev/null && cc="ccache $cc"
	export CCACHE_BASEDIR=$TOP
	kmake() { make -C "$TREE" O="$obj" CC="$cc" LOCALVERSION= -j"$(nproc)" "$@"; }
	run_logged "series-$name-prepare" kmake olddefconfig prepare
	grep -q '^CONFIG_JAIL=y' "$obj/.config" || die "$name: CONFIG_JAIL=y did not survive olddefconfig"
	# Force a fresh compile of each touched object (ccache still helps).
	# OBJS: a subset of them.
	local objs=${OBJS:-$touched_objs}
	# shellcheck disable=SC2086
	(cd "$obj" && rm -f $objs)
	# shellcheck disable=SC2086
	kmake -k "$@" $objs >"$log" 2>&1 || true
	built=() skipped=()
	for o in $objs; do
		if [ -f "$obj/$o" ]; then built+=("$o"); else skipped+=("$o"); fi
	done
}

# ---- W=1 and sparse on the test kernel's objects -------------------------
if want w1-sparse; then
	step "W=1 and sparse (C=2) on the touched objects of the test kernel"
	[ -f "$KOBJ/.config" ] || "$S/build-kernel.sh"
	mkdir -p "$BUILD/kobj-w1"
	cp "$KOBJ/.config" "$BUILD/kobj-w1/.config"
	# Only what the test kernel builds: an object its configuration
	# leaves out (security/keys/compat.o) does not compile on its own.
	# A temporary OBJS: Debian's and allmodconfig's builds below take
	# every touched object, compat.o included.
	w1_objs=$(for o in $touched_objs; do [ -f "$KOBJ/$o" ] && echo "$o"; done)
	OBJS=$w1_objs compile_touched w1 W=1 C=2
	out=$(python3 "$S/new-warnings.py" build "$TREE" "$LOGS/series-w1.log") && ok=1 || ok=0
	# A failed compile; sparse's own "error:" reports on upstream lines
	# (address spaces) fail nothing, on added lines new-warnings.py has them.
	errs=$(grep -E '\*\*\*' "$LOGS/series-w1.log" | grep -v 'No rule to make target' | head -5 || true)
	[ -n "$errs" ] && ok=0 out+=$'\n'"$errs"
	result "W=1 + sparse: no warning on an added line (${#built[@]} objects; build/logs/series-w1.log)" "$ok" "$out"
fi

# debian_config CONFIG.xz NAME: build/kobj-NAME/.config from one of Debian's
# kernel configurations, with CONFIG_JAIL=y and without Debian's signing
# keys (which a build outside its packaging does not have; irrelevant for
# compiling objects).
debian_config() {
	mkdir -p "$BUILD/kobj-$2"
	{
		xz -dc "$1"
		echo 'CONFIG_SYSTEM_TRUSTED_KEYS=""'
		echo 'CONFIG_SYSTEM_REVOCATION_KEYS=""'
		echo 'CONFIG_MODULE_SIG_KEY="certs/signing_key.pem"'
		echo 'CONFIG_JAIL=y'
	} >"$BUILD/kobj-$2/.config"
}

# build_verdict NAME: ok=1 if compile_touched NAME gave no warning at all and
# no error; out holds what failed.
build_verdict() {
	local log=$LOGS/series-$1.log errs
	out=$(python3 "$S/new-warnings.py" build "$TREE" "$log" --all) && ok=1 || ok=0
	errs=$(grep -E '^[^ ]+:[0-9]+:[0-9]+: error:|\*\*\*' "$log" | grep -v 'No rule to make target' | head -5 || true)
	[ -n "$errs" ] && ok=0 out+=$'\n'"$errs"
	return 0
}

# ---- Debian's configuration ------------------------------------------------
if want debian; then
	step "the touched objects under Debian's 6.12 configuration"
	cfg=$(ls /usr/src/linux-config-6.12/config.amd64_none_amd64.xz 2>/dev/null | head -1)
	[ -n "$cfg" ] || die "no /usr/src/linux-config-6.12/config.amd64_none_amd64.xz: apt-get install linux-config-6.12"
	debian_config "$cfg" debian
	compile_touched debian
	build_verdict debian
	result "Debian config: warning-free (${#built[@]} objects; not built there: ${skipped[*]:-none})" "$ok" "$out"
fi

# ---- allmodconfig ------------------------------------------------------
if want allmodconfig; then
	step "the touched objects under allmodconfig"
	mkdir -p "$BUILD/kobj-allmod"
	run_logged series-allmod-config make -C "$TREE" O="$BUILD/kobj-allmod" allmodconfig
	compile_touched allmod
	build_verdict allmod
	result "allmodconfig: warning-free (${#built[@]} objects; not built there: ${skipped[*]:-none})" "$ok" "$out"
fi

# ---- arm64 -----------------------------------------------------------------
if want arm64; then
	step "the touched objects for arm64 under Debian's arm64 configuration"
	command -v aarch64-linux-gnu-gcc >/dev/null ||
		die "no aarch64-linux-gnu-gcc: apt-get install crossbuild-essential-arm64"
	# Debian's arm64 configuration is in the arm64 build of linux-config-6.12,
	# which an amd64 machine does not install: fetch that .deb from the same
	# pool as the amd64 one apt knows, and keep the config in the cache.
	cfg=$CACHE/dl/config.arm64_none_arm64-$(dpkg-query -W -f '${Version}' linux-config-6.12 2>/dev/null).xz
	if [ ! -f "$cfg" ]; then
		url=$(apt-get download --print-uris linux-config-6.12 2>/dev/null | awk -F"'" 'NR==1 {print $2}')
		[ -n "$url" ] || die "apt knows no linux-config-6.12 to find the arm64 configuration next to"
		tmp=$(mktemp -d)
		curl -fsSL -o "$tmp/config.deb" "${url%_amd64.deb}_arm64.deb" ||
			die "could not download ${url%_amd64.deb}_arm64.deb"
		dpkg-deb --fsys-tarfile "$tmp/config.deb" |
			tar -xO ./usr/src/linux-config-6.12/config.arm64_none_arm64.xz >"$tmp/config.xz" ||
			die "no config.arm64_none_arm64.xz in ${url%_amd64.deb}_arm64.deb"
		mv "$tmp/config.xz" "$cfg"
		rm -rf "$tmp"
	fi
	debian_config "$cfg" arm64
	ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- compile_touched arm64
	build_verdict arm64
	result "arm64, Debian config: warning-free (${#built[@]} objects; not built there: ${skipped[*]:-none})" "$ok" "$out"
fi

# ---- every archive version ---------------------------------------------------
# Debian's archive serves several 6.12 versions and drops old ones: report,
# for each it serves today, whether the series applies with no fuzz.  Only
# the pinned one is tested further.  A version that does not apply is a
# warning for the next pin move, not a failure of the series.
if want archive; then
	step "the series on every linux-source-6.12 version of the archive (about a minute each)"
	. "$TOP/pin"
	lines=()
	for v in $(apt-cache madison "$KERNEL_PACKAGE" 2>/dev/null | awk '{print $3}' | sort -uV); do
		tb=$CACHE/dl/$KERNEL_PACKAGE-$v.tar.xz
		if [ ! -f "$tb" ]; then
			tmp=$(mktemp -d "$CACHE/dl/fetch.XXXXXX")
			if (cd "$tmp" && apt-get download "$KERNEL_PACKAGE=$v") >"$LOGS/archive-fetch.log" 2>&1 &&
				dpkg-deb --fsys-tarfile "$tmp"/*.deb | tar -xO "./usr/src/$KERNEL_PACKAGE.tar.xz" >"$tmp/src.tar.xz"; then
				mv "$tmp/src.tar.xz" "$tb"
			fi
			rm -rf "$tmp"
		fi
		if [ ! -f "$tb" ]; then
			lines+=("$v: could not be fetched")
			continue
		fi
		at=$BUILD/archive-tree
		rm -rf "$at" && mkdir -p "$at"
		tar -xf "$tb" --strip-components=1 -C "$at"
		res="applies with no fuzz"
		for f in $series_list; do
			if ! patch -d "$at" -p1 -F0 -s --no-backup-if-mismatch <"$f" >"$LOGS/archive-patch.log" 2>&1; then
				res="does not apply: $(basename "$f"): $(head -c 200 "$LOGS/archive-patch.log" | tr '\n' ' ')"
				break
			fi
		done
		rm -rf "$at"
		pinned=
		[ "$v" = "$KERNEL_VERSION" ] && pinned=" (the pin)"
		lines+=("$v$pinned: $res")
	done
	printf '      %s\n' "${lines[@]}"
	pin_ok=0
	for l in "${lines[@]}"; do [[ "$l" == *"(the pin): applies with no fuzz" ]] && pin_ok=1; done
	result "archive: ${#lines[@]} linux-source-6.12 version(s) served; the pin applies with no fuzz" "$pin_ok"
fi

if [ ${#failed[@]} -eq 0 ]; then
	echo "check-series: all checks passed"
else
	echo "check-series: ${#failed[@]} check(s) failed"
	exit 1
fi
