#!/usr/bin/env bash
# make bench: what a jail costs, as ratios measured side by side in one boot.
#
# Builds the test kernel with CONFIG_JAIL=y and =n and bench/jailbench.c
# (static, against the series' tools/jail/jail.h), then boots the guest:
#
#   main     JAIL=y, 2 GiB   creation, churn, idle memory, ps, first jail
#   hot      JAIL=y          hot paths: unjailed before any jail exists,
#                            then jailed against unjailed
#   hot-n    JAIL=n          hot paths of an unjailed task
#   hot-y    JAIL=y          the same again: the noise between two boots
#   stack-n  JAIL=n + AppArmor   hot paths of an unjailed task, with a
#   stack-y  JAIL=y + AppArmor   second security module stacked
#   density  JAIL=y, 1 GiB   10,000 concurrent jails, each used
#   noisy    JAIL=y, 1 GiB   host fork and unix round trip, idle and while
#                            one jail does its worst (2 CPUs, timed)
#
# Under TCG the hot-path boots run with one CPU and qemu -icount shift=0:
# the guest's clock then counts instructions, and the hot paths are
# compared in instructions (emulated time of a few hundred nanoseconds
# says more about the emulator than about the kernel).  Under KVM they are
# timed like the rest.
#
# and writes build/bench/report.md and build/bench/results.json
# (scripts/bench-report.py), printing the table at the end.
#
#   RUNS=15        samples per figure (at least 15 for the report)
#   DENSITY=10000  jails in the density boot
#   BOOTS=noisy    the noisy-neighbour boot alone, on the test kernel (no
#                  other kernel build; its own report)
. "$(dirname "$0")/lib.sh"

RUNS=${RUNS:-15}
DENSITY=${DENSITY:-10000}
out=$BUILD/bench
[[ $RUNS =~ ^[0-9]+$ ]] && [ "$RUNS" -ge 1 ] || die "RUNS must be a positive number, not '$RUNS'"
[[ $DENSITY =~ ^[0-9]+$ ]] && [ "$DENSITY" -ge 1 ] || die "DENSITY must be a positive number, not '$DENSITY'"
command -v gcc >/dev/null || die "gcc missing: make deps"
case ${BOOTS:-all} in
all | noisy) ;;
*) die "BOOTS must be noisy (or unset for every boot), not '$BOOTS'" ;;
esac
rm -rf "$out"
mkdir -p "$out"

# One kernel build at a time: =y (with the initramfs), then =n.
JAIL=y "$TOP/scripts/build-kernel.sh"
"$TOP/scripts/build-initramfs.sh"
if [ "${BOOTS:-all}" = all ]; then
	JAIL=n "$TOP/scripts/build-kernel.sh"
	STACK=1 JAIL=y "$TOP/scripts/build-kernel.sh"
	STACK=1 JAIL=n "$TOP/scripts/build-kernel.sh"
fi

step "building bench/jailbench.c (static)"
run_logged jailbench gcc -O2 -Wall -Werror -static -I"$TREE/tools/jail" \
	-isystem "$HDRS/include" -o "$out/jailbench" "$TOP/bench/jailbench.c"

# The guest's initramfs plus /usr/bin/jailbench.
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/usr/bin"
cp "$out/jailbench" "$stage/usr/bin/jailbench"
(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc --owner=0:0 --quiet) |
	gzip -1 >"$out/extra.cpio.gz"
cat "$BUILD/initramfs.cpio.gz" "$out/extra.cpio.gz" >"$out/initramfs.cpio.gz"

# boot NAME KERNEL MEM_MIB ARGS: run jailbench ARGS in a fresh guest, with
# BOOT_SMP CPUs and BOOT_QEMU_ARGS.
boot() {
	local name=$1 kernel=$2 mem=$3
	shift 3
	step "boot $name: jailbench $* (${mem} MiB, ${BOOT_SMP:-2} CPU(s) ${BOOT_QEMU_ARGS:-}; output: build/bench/$name.txt)"
	# kunit.enable=0: the jail KUnit suite makes jails at boot, which
	# would switch the hooks on for the "before any jail exists" figures.
	if ! GUEST_KERNEL=$kernel GUEST_MEM=$mem GUEST_INITRD=$out/initramfs.cpio.gz \
		GUEST_APPEND="kunit.enable=0 ${GUEST_APPEND:-}" \
		GUEST_SMP=${BOOT_SMP:-2} GUEST_QEMU_ARGS=${BOOT_QEMU_ARGS:-} \
		GUEST_TIMEOUT=3600 "$TOP/scripts/run-guest.sh" cmd "/usr/bin/jailbench $*" \
		>"$out/$name.txt" 2>&1 </dev/null; then
		grep -E 'jailbench:|panic|BUG|Oops' "$out/$name.txt" >&2 || tail -n 20 "$out/$name.txt" >&2
		die "the $name boot failed (build/bench/$name.txt)"
	fi
	grep -q '^JAILBENCH-DONE' "$out/$name.txt" ||
		die "jailbench did not finish in the $name boot (build/bench/$name.txt)"
}

start=$(date +%s)
accel=$("$TOP/scripts/run-guest.sh" accel)
if [ "${BOOTS:-all}" = noisy ]; then
	boot noisy "$BZIMAGE" 1024 noisy "$RUNS"
	step "writing build/bench/report.md and results.json ($(($(date +%s) - start)) s of guest time)"
	python3 "$TOP/scripts/bench-report.py" --accel "$accel" --runs "$RUNS" \
		--noisy-only "$out"
	exit
fi
boot main "$BZIMAGE" 2048 main "$RUNS"
hot_unit=ns
if [ "$accel" = tcg ]; then
	hot_unit=instructions
	BOOT_SMP=1 BOOT_QEMU_ARGS="-icount shift=0,sleep=off"
fi
boot hot "$BZIMAGE" 1024 hot "$RUNS"
boot hot-n "$BZIMAGE-nojail" 1024 unjailed "$RUNS"
boot hot-y "$BZIMAGE" 1024 unjailed "$RUNS"
boot stack-n "$BZIMAGE-stack-nojail" 1024 unjailed "$RUNS"
boot stack-y "$BZIMAGE-stack" 1024 unjailed "$RUNS"
BOOT_SMP=2 BOOT_QEMU_ARGS=
boot density "$BZIMAGE" 1024 density "$DENSITY"
boot noisy "$BZIMAGE" 1024 noisy "$RUNS"

step "writing build/bench/report.md and results.json ($(($(date +%s) - start)) s of guest time)"
python3 "$TOP/scripts/bench-report.py" --accel "$accel" --runs "$RUNS" \
	--density "$DENSITY" --hot-unit "$hot_unit" "$out"
