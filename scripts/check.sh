#!/usr/bin/env bash
# make check: from a fresh clone to "N passed, N failed".
#   deps -> tree -> kernel -> selftests + initramfs -> guest run of the
#   kselftest target "jail" and the boot-time KUnit suites -> checkpatch.
# Exits non-zero on any failed test, on an Oops/BUG/WARNING/KASAN/lockdep
# report in the guest log, on a guest that does not finish, and on
# checkpatch errors.
#
#   DEBUG=1   the same tests on the debug kernel (config/debug.config:
#             KASAN, lockdep, atomic-sleep and list debugging, kmemleak,
#             UBSAN), then a kmemleak scan; checkpatch and docs are left to
#             the plain check.
. "$(dirname "$0")/lib.sh"

S=$TOP/scripts
"$S/deps.sh"
"$S/make-tree.sh"
"$S/build-kernel.sh"
"$S/build-initramfs.sh"

GLOG=$LOGS/guest-check.log
if [ -n "${DEBUG:-}" ]; then
	GLOG=$LOGS/guest-check-debug.log
	KOBJ=$BUILD/kobj-debug
	export GUEST_KERNEL=$BZIMAGE-debug
	# KASAN and lockdep make the emulated guest a few times slower.
	export GUEST_TIMEOUT=${GUEST_TIMEOUT:-2400}
fi
step "booting the guest and running the selftests (about a minute under TCG, ${DEBUG:+about 15 minutes on the debug kernel, }log: ${GLOG#"$TOP"/})"
set +e
"$S/run-guest.sh" check "$GLOG"
grc=$?
set -e
touch "$GLOG"
say "guest accelerator: $(sed 's/accelerator: //' "$GLOG.accel" 2>/dev/null || echo unknown)"
tr -d '\r' <"$GLOG" >"$GLOG.txt" && mv "$GLOG.txt" "$GLOG"

passed=0 failed=0 skipped=0
problems=()

# kselftest harness results: nested "# ok N name" / "# not ok N name" lines.
sel=$(sed -n '/^JAIL-GUEST-BEGIN/,$p' "$GLOG")
kp=$(grep -cE '^# ok [0-9]+ ' <<<"$sel" | tr -d ' ' || true)
ks=$(grep -cE '^# ok [0-9]+ .*# SKIP' <<<"$sel" || true)
kf=$(grep -cE '^# not ok [0-9]+ ' <<<"$sel" || true)
# A test program that died without reporting its own failures.
kdead=$(grep -E '^not ok [0-9]+ selftests: jail' <<<"$sel" || true)
if [ "$kf" -eq 0 ] && [ -n "$kdead" ]; then
	kf=$(grep -c . <<<"$kdead")
fi
if [ $((kp + kf)) -eq 0 ] && grep -qE '^(not )?ok [0-9]+ selftests: jail' <<<"$sel"; then
	problems+=("the selftest programs ran but none of their results could be read from the guest log")
fi
passed=$((passed + kp - ks)) skipped=$((skipped + ks)) failed=$((failed + kf))
grep -E '^# not ok [0-9]+ |^not ok [0-9]+ selftests' <<<"$sel" | sed 's/^/  FAIL selftest: /' || true
say "selftests: $((kp - ks)) passed, $kf failed, $ks skipped"

# KUnit suites run at boot; KTAP in the kernel log.
if grep -q 'KTAP version' "$GLOG"; then
	python3 "$TREE/tools/testing/kunit/kunit.py" parse "$GLOG" >"$LOGS/kunit.log" 2>&1 || true
	summary=$(grep -E 'Testing complete' "$LOGS/kunit.log" | tail -1)
	up=$(sed -n 's/.*passed: \([0-9]*\).*/\1/p' <<<"$summary")
	uf=$(sed -n 's/.*failed: \([0-9]*\).*/\1/p' <<<"$summary")
	ue=$(sed -n 's/.*errors: \([0-9]*\).*/\1/p' <<<"$summary")
	us=$(sed -n 's/.*skipped: \([0-9]*\).*/\1/p' <<<"$summary")
	[ -n "$up" ] || { problems+=("KUnit output could not be parsed (build/logs/kunit.log)"); up=0; }
	passed=$((passed + up)) failed=$((failed + ${uf:-0} + ${ue:-0})) skipped=$((skipped + ${us:-0}))
	grep -E '^\[FAILED\]|# .*not ok' "$LOGS/kunit.log" | sed 's/^/  FAIL kunit: /' || true
	say "kunit: ${summary#*Ran }"
elif grep -q '^CONFIG_JAIL_KUNIT_TEST=y' "$KOBJ/.config" 2>/dev/null; then
	problems+=("CONFIG_JAIL_KUNIT_TEST=y but no KUnit output in the guest log")
fi

# The guest itself.
if [ "$grc" -eq 124 ]; then
	problems+=("the guest did not finish within ${GUEST_TIMEOUT:-600}s")
	# The process list the guest printed a minute before (guest/init).
	stalled=$(grep '^JAIL-GUEST-STALLED' "$GLOG" | grep -vE ' (sh|run_kselftest\.s|runner\.sh|timeout|perl|sed|cat|tee|sleep|init)$' |
		sed 's/^JAIL-GUEST-STALLED //' | head -20 || true)
	[ -n "$stalled" ] && problems+=("processes in the guest when it stalled, a minute before the timeout (kernel threads and the runner left out):"$'\n'"$stalled")
elif ! grep -q '^JAIL-GUEST-EXIT=' "$GLOG"; then
	problems+=("the guest stopped before the selftests finished")
elif ! grep -q '^JAIL-GUEST-EXIT=0' "$GLOG"; then
	problems+=("the kselftest runner in the guest failed: $(grep -m1 '^JAIL-GUEST-EXIT=' "$GLOG")")
fi
if [ -d "$TREE/tools/testing/selftests/jail" ] && [ $((kp + kf)) -eq 0 ]; then
	problems+=("the series has selftests but none ran in the guest")
fi
bad=$(grep -nE 'Oops|BUG:|WARNING:|KASAN|UBSAN|kernel BUG|Kernel panic|possible (circular|recursive) locking|INFO: task .* blocked|unreferenced object|Call Trace:' "$GLOG" | head -5 || true)
if [ -n "$bad" ]; then
	problems+=("kernel reports in the guest log:"$'\n'"$bad")
fi
if [ -n "${DEBUG:-}" ]; then
	if grep -q '^JAIL-KMEMLEAK-DONE' "$GLOG"; then
		say "kmemleak: $(grep -c 'unreferenced object' "$GLOG" || true) leak(s) reported"
	else
		problems+=("the debug kernel's kmemleak scan did not run (no JAIL-KMEMLEAK-DONE in the guest log)")
	fi
	for p in "${problems[@]}"; do
		echo "error: $p"
		failed=$((failed + 1))
	done
	[ "$skipped" -gt 0 ] && echo "($skipped skipped)"
	echo "debug kernel: $passed passed, $failed failed"
	[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
	exit
fi

# checkpatch --strict on every patch of the series: one result per patch
# (checkpatch_patch in lib.sh).
step "checkpatch --strict on every patch"
: >"$LOGS/checkpatch.log"
files=$(series_files)
for f in $files; do
	if out=$(checkpatch_patch "$f"); then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "  FAIL checkpatch: patches/$(basename "$f") (see build/logs/checkpatch.log)"
		grep -E '^[^ ]*:[0-9]+: (ERROR|WARNING|CHECK)|^(ERROR|WARNING|CHECK)' <<<"$out" | head -5 | sed 's/^/    /' || true
	fi
	printf '%s\n' "$out" >>"$LOGS/checkpatch.log"
done

# make run hands CMD to the guest's shell as typed: make must not expand
# $VAR, $(...) or $? in it.
step "make run CMD=... with \$VAR, \$(...) and \$? (one more boot, about 15 s)"
want='v=1 r=1 s=x'
got=$(make -s -C "$TOP" run CMD='a=1; false; echo "v=$a r=$? s=$(echo x)"' </dev/null 2>&1 |
	tr -d '\r' | grep -m1 '^v=' || true)
if [ "$got" = "$want" ]; then
	passed=$((passed + 1))
else
	problems+=("make run CMD='a=1; false; echo \"v=\$a r=\$? s=\$(echo x)\"' printed '$got', not '$want'")
fi

# kernel-doc, a Sphinx-free rst check and a compile of the example
# programs of the files the series adds: one result.  (tools/testing holds
# no kernel-doc.)
step "kernel-doc -Wall and rst syntax of the series' new files"
added=$(cd "$TREE" && git diff --name-only --diff-filter=A upstream HEAD)
src=$(grep -E '\.[ch]$' <<<"$added" | grep -v '^tools/testing/' || true)
rst=$(grep -E '\.rst$' <<<"$added" || true)
docs=""
if [ -n "$src" ]; then
	# shellcheck disable=SC2086 # one path per word
	docs+=$(cd "$TREE" && scripts/kernel-doc -none -Wall $src 2>&1)
fi
if [ -n "$rst" ]; then
	# shellcheck disable=SC2086
	docs+=$(cd "$TREE" && python3 "$S/check-rst.py" $rst 2>&1)
	# The example programs compile as written.
	# shellcheck disable=SC2086
	docs+=$(cd "$TREE" && python3 "$S/check-examples.py" "$HDRS/include" \
		"$TREE/tools/jail" $rst 2>&1)
fi
if [ -z "$docs" ]; then
	passed=$((passed + 1))
else
	failed=$((failed + 1))
	echo "  FAIL docs:"
	head -10 <<<"$docs" | sed 's/^/    /'
fi

for p in "${problems[@]}"; do
	echo "error: $p"
	failed=$((failed + 1))
done
[ "$skipped" -gt 0 ] && echo "($skipped skipped)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
