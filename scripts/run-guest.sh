#!/usr/bin/env bash
# Boot build/bzImage with build/initramfs.cpio.gz under qemu, no network.
#
#   run-guest.sh check LOG     run the jail selftests, serial console to LOG
#   run-guest.sh cmd 'CMD'     run CMD in the guest, print its output, exit
#                              with its status
#   run-guest.sh shell         interactive busybox shell (Ctrl-A X quits)
#   run-guest.sh accel         print the accelerator the guest gets (kvm, tcg)
#
# GUEST_KERNEL, GUEST_INITRD, GUEST_MEM (MiB), GUEST_SMP and GUEST_TIMEOUT
# (s) override the defaults; GUEST_QEMU_ARGS adds qemu options (make bench
# uses -icount under TCG).
#
# KVM is used only when a probe boot under KVM finishes within a few
# seconds; on machines where /dev/kvm exists but guests hang, TCG it is.
. "$(dirname "$0")/lib.sh"

mode=${1:-shell}
KERNEL=${GUEST_KERNEL:-$BZIMAGE}
INITRD=${GUEST_INITRD:-$BUILD/initramfs.cpio.gz}
TIMEOUT=${GUEST_TIMEOUT:-600}
[ -f "$KERNEL" ] || die "no $KERNEL: run make kernel"
[ -f "$INITRD" ] || die "no $INITRD: run make initramfs"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 missing: apt-get install qemu-system-x86"

base_args=(-m "${GUEST_MEM:-1024}" -smp "${GUEST_SMP:-2}" -nic none -no-reboot -kernel "$KERNEL")

# An initramfs holding /cmd, appended to the main one (the kernel unpacks
# concatenated archives in order).
extra_initrd() {
	local dir
	dir=$(mktemp -d)
	printf '%s\n' "$1" >"$dir/cmd"
	(cd "$dir" && echo cmd | cpio -o -H newc --owner=0:0 --quiet) | gzip -1 >"$2"
	rm -rf "$dir"
	cat "$INITRD" "$2" >"$2.all"
	mv "$2.all" "$2"
}

accel() {
	local stamp=$BUILD/accel boot
	boot=$(cat /proc/sys/kernel/random/boot_id 2>/dev/null || echo none)
	if [ -f "$stamp" ] && [ "$(head -1 "$stamp")" = "$boot:$(stat -c %Y "$KERNEL")" ]; then
		tail -1 "$stamp"
		return
	fi
	local a=tcg
	if [ -w /dev/kvm ] && [ -z "${NO_KVM:-}" ]; then
		local probe=$BUILD/probe-initrd.gz
		extra_initrd 'true' "$probe"
		if timeout 8 qemu-system-x86_64 -accel kvm "${base_args[@]}" -initrd "$probe" \
			-display none -serial stdio -monitor none \
			-append "console=ttyS0 quiet panic=-1 jail.mode=cmd" </dev/null 2>/dev/null |
			grep -q 'JAIL-GUEST-EXIT=0'; then
			a=kvm
		fi
		rm -f "$probe"
	fi
	printf '%s\n%s\n' "$boot:$(stat -c %Y "$KERNEL")" "$a" >"$stamp"
	echo "$a"
}

ACCEL=$(accel)
# TCG runs the guest's CPUs in one host thread.  With a thread per CPU,
# QEMU does not honour x86's rules for code one CPU patches while another
# runs it, and Linux's int3-based text patching (static keys, which jails
# switch on and off) then crashes the guest now and then with
# "Oops: int3" (LKML, "qemu-x86_64 booting with 8.0.0 still see int3",
# July 2023; seen here with qemu 7.2 and KASAN).
if [ "$ACCEL" = kvm ]; then
	args=(-accel kvm -cpu host "${base_args[@]}")
else
	args=(-accel tcg,thread=single "${base_args[@]}")
fi
# shellcheck disable=SC2206 # options split on blanks, as on a command line
[ -n "${GUEST_QEMU_ARGS:-}" ] && args+=($GUEST_QEMU_ARGS)
cmdline="console=ttyS0 panic=-1 oops=panic"

case "$mode" in
accel)
	echo "$ACCEL"
	;;
check)
	log=${2:?log file}
	echo "accelerator: $ACCEL" >"$log.accel"
	# A minute before the timeout the guest lists its processes.
	stall=
	[ "$TIMEOUT" -gt 120 ] && stall="jail.stall=$((TIMEOUT - 60))"
	timeout "$TIMEOUT" qemu-system-x86_64 "${args[@]}" -initrd "$INITRD" \
		-display none -serial "file:$log" -monitor none \
		-append "$cmdline jail.mode=check $stall ${GUEST_APPEND:-}" </dev/null >"$log.qemu" 2>&1
	rc=$?
	[ "$rc" -eq 124 ] && { echo "guest timed out after ${TIMEOUT}s" >>"$log"; exit 124; }
	exit "$rc"
	;;
cmd)
	[ -n "${2:-}" ] || die "usage: make run CMD='...'"
	rd=$BUILD/cmd-initrd.gz
	extra_initrd "$2" "$rd"
	out=$LOGS/run-cmd.log
	set +o pipefail
	timeout "$TIMEOUT" qemu-system-x86_64 "${args[@]}" -initrd "$rd" \
		-display none -serial stdio -monitor none \
		-append "$cmdline quiet jail.mode=cmd ${GUEST_APPEND:-}" </dev/null 2>&1 |
		tee "$out" | sed -u '/^JAIL-GUEST-EXIT=/d' | tr -d '\r'
	set -o pipefail
	status=$(sed -n 's/^JAIL-GUEST-EXIT=\([0-9]*\).*/\1/p' "$out" | tail -1)
	[ -n "$status" ] || { echo "error: the guest did not finish the command within ${TIMEOUT}s (log: build/logs/run-cmd.log)" >&2; exit 1; }
	exit "$status"
	;;
shell)
	echo "Booting the jail(2) test kernel ($ACCEL). Ctrl-A X leaves qemu."
	exec qemu-system-x86_64 "${args[@]}" -initrd "$INITRD" -nographic \
		-append "$cmdline quiet jail.mode=shell"
	;;
*)
	die "unknown mode $mode"
	;;
esac
