#!/usr/bin/env bash
# make kernel: tinyconfig + config/*.config + the selftests' config from the
# series, built out of tree in build/kobj.  Leaves build/bzImage and the
# installed uapi headers in build/usr/include.  Incremental.
#
#   JAIL=n      build with CONFIG_JAIL=n (for the =n build check)
#   DEBUG=1     add config/debug.config (KASAN, lockdep, kmemleak, ...)
#   STACK=1     add config/stack.config (AppArmor stacked beside the jail
#               module; make bench)
. "$(dirname "$0")/lib.sh"

[ -e "$TREE/.git" ] || die "no kernel tree at $TREE: run make tree first"

# Each variant has its own object tree so that they never rebuild each other.
variant=test
[ "${JAIL:-y}" = n ] && variant=nojail
[ -n "${DEBUG:-}" ] && variant=debug
[ -n "${DEBUG:-}" ] && [ "${JAIL:-y}" = n ] && variant=debug-nojail
[ -n "${STACK:-}" ] && variant=stack
[ -n "${STACK:-}" ] && [ "${JAIL:-y}" = n ] && variant=stack-nojail
# KVARIANT_PREFIX: a separate family of object trees (check-prefixes).
variant=${KVARIANT_PREFIX:-}$variant
obj=$BUILD/kobj-$variant
mkdir -p "$obj"

frags=("$TOP"/config/guest.config)
[ -f "$TREE/tools/testing/selftests/jail/config" ] && frags+=("$TREE/tools/testing/selftests/jail/config")
[ -n "${DEBUG:-}" ] && frags+=("$TOP/config/debug.config")
[ -n "${STACK:-}" ] && frags+=("$TOP/config/stack.config")
if [ "${JAIL:-y}" = n ]; then
	echo 'CONFIG_JAIL=n' >"$obj/nojail.config"
	frags+=("$obj/nojail.config")
fi

# CCACHE_DIR: lib.sh.  Paths below the clone hash alike in every clone.
export CCACHE_BASEDIR=$TOP
export KBUILD_BUILD_TIMESTAMP='Thu Jan  1 00:00:00 UTC 2026'
export KBUILD_BUILD_USER=jail KBUILD_BUILD_HOST=jail
cc=gcc
command -v ccache >/dev/null && cc="ccache gcc"
# LOCALVERSION= keeps setlocalversion from adding "+" for the git tree.
kmake() { make -C "$TREE" O="$obj" CC="$cc" LOCALVERSION= -j"$(nproc)" "$@"; }

# Regenerate .config only when an input changed, so a second build is a
# no-op instead of a full relink.
sig=$(cat "${frags[@]}" | sha256sum | cut -d' ' -f1)
if [ "$(cat "$obj/.config-inputs" 2>/dev/null)" != "$sig" ] || [ ! -f "$obj/.config" ]; then
	step "configuring (tinyconfig + ${#frags[@]} fragment(s))"
	run_logged config-$variant kmake tinyconfig
	run_logged merge-config-$variant bash -c "cd '$obj' && '$TREE/scripts/kconfig/merge_config.sh' -m -O '$obj' '$obj/.config' $(printf "'%s' " "${frags[@]}") && make -C '$TREE' O='$obj' olddefconfig"
	# Every option asked for must have survived olddefconfig.
	missing=$(cat "${frags[@]}" | grep -E '^CONFIG_[A-Z0-9_]+=' | while IFS= read -r line; do
		grep -qxF "$line" "$obj/.config" || echo "$line"
	done)
	[ "${JAIL:-y}" = n ] && missing=$(echo "$missing" | grep -v '^CONFIG_JAIL' || true)
	# CONFIG_LSM keeps the name of a module that is not built.
	[ "${JAIL:-y}" = n ] && [ -n "${STACK:-}" ] && missing=$(echo "$missing" | grep -v '^CONFIG_LSM=' || true)
	if [ -n "$missing" ]; then
		printf 'error: config options requested but not set after olddefconfig (missing dependency?):\n%s\n' "$missing" >&2
		exit 1
	fi
	echo "$sig" >"$obj/.config-inputs"
fi

step "building the kernel ($variant${DEBUG:+, debug}${JAIL:+, CONFIG_JAIL=$JAIL}; cold about 10 minutes on 2 cores${DEBUG:+, 12 for the debug kernel}, with a warm ccache 1 to 3; log: build/logs/kernel-$variant.log)"
run_logged kernel-$variant kmake bzImage
if [ "$variant" = test ]; then
	cp "$obj/arch/x86/boot/bzImage" "$BZIMAGE"
else
	cp "$obj/arch/x86/boot/bzImage" "$BZIMAGE-$variant"
fi
# The uapi headers (the same for every variant) for the selftests, tools
# and bench: from the test kernel, or from whichever JAIL=y build comes
# first (make check DEBUG=1 on a fresh clone).
if [ "$variant" = test ] || { [ "${JAIL:-y}" = y ] && [ ! -d "$HDRS/include/linux" ]; }; then
	run_logged headers kmake headers_install INSTALL_HDR_PATH="$HDRS"
fi
step "kernel ready: $(cat "$obj/include/config/kernel.release")"
