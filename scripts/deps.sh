#!/usr/bin/env bash
# Install the Debian packages the tooling needs (as root), or print the
# exact apt-get line to run.
. "$(dirname "$0")/lib.sh"

pkgs=(make gcc libc6-dev bc bison flex libelf-dev libssl-dev cpio gzip xz-utils
      git perl python3 python3-ply python3-git python3-docutils ccache quilt busybox-static qemu-system-x86 apt dpkg
      coreutils findutils sed gawk rsync)
[ -n "${DEPS_EXTRA:-}" ] && read -r -a extra <<<"$DEPS_EXTRA" && pkgs+=("${extra[@]}")

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

line="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" != 0 ]; then
	die "missing Debian packages; run as root: apt-get update && $line"
fi
step "installing ${missing[*]} (a few minutes on a new machine)"
export DEBIAN_FRONTEND=noninteractive
run_logged apt-update apt-get update
run_logged apt-install $line
