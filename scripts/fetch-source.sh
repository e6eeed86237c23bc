#!/usr/bin/env bash
# Print the path of the kernel source tarball to use, fetching and verifying
# the pinned one if needed.  KERNEL_TARBALL=/path/linux-6.12.y.tar.xz overrides
# the pin (any 6.12 tarball, vanilla included; it is not checksummed).
. "$(dirname "$0")/lib.sh"
. "$TOP/pin"

if [ -n "${KERNEL_TARBALL:-}" ]; then
	[ -f "$KERNEL_TARBALL" ] || die "KERNEL_TARBALL=$KERNEL_TARBALL: no such file"
	realpath "$KERNEL_TARBALL"
	exit 0
fi

dl=$CACHE/dl
name=$KERNEL_PACKAGE-$KERNEL_VERSION.tar.xz
tarball=$dl/$name
mkdir -p "$dl"

verify() {
	local sum
	sum=$(sha256sum "$1" | cut -d' ' -f1)
	[ "$sum" = "$KERNEL_TARBALL_SHA256" ]
}

# The shared cache, or build/dl of a checkout made before there was one.
for have in "$tarball" "$BUILD/dl/$name"; do
	if [ -f "$have" ] && verify "$have"; then
		echo "$have"
		exit 0
	fi
done
rm -f "$tarball"

if ! apt-cache madison "$KERNEL_PACKAGE" 2>/dev/null | awk '{print $3}' | grep -qxF "$KERNEL_VERSION"; then
	avail=$(apt-cache madison "$KERNEL_PACKAGE" 2>/dev/null | awk '{print $3}' | tr '\n' ' ')
	die "the pinned base $KERNEL_PACKAGE $KERNEL_VERSION is not in this machine's apt archive (available: ${avail:-none; run apt-get update}).
Debian drops old versions: move the pin in ./pin to an available version (and re-test the
series on it with make check), or point KERNEL_TARBALL at a 6.12 tarball."
fi

step "downloading $KERNEL_PACKAGE $KERNEL_VERSION (about 150 MB, a minute or two)" >&2
work=$(mktemp -d "$dl/fetch.XXXXXX")
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download "$KERNEL_PACKAGE=$KERNEL_VERSION") >"$LOGS/fetch.log" 2>&1 ||
	{ show_failure "$LOGS/fetch.log" >&2; die "apt-get download $KERNEL_PACKAGE=$KERNEL_VERSION failed"; }
dpkg-deb --fsys-tarfile "$work"/*.deb |
	tar -xO "./usr/src/$KERNEL_PACKAGE.tar.xz" >"$work/src.tar.xz" ||
	die "$KERNEL_PACKAGE $KERNEL_VERSION holds no usr/src/$KERNEL_PACKAGE.tar.xz"
if ! verify "$work/src.tar.xz"; then
	die "sha256 mismatch for $KERNEL_PACKAGE $KERNEL_VERSION: expected $KERNEL_TARBALL_SHA256, got $(sha256sum "$work/src.tar.xz" | cut -d' ' -f1)"
fi
mv "$work/src.tar.xz" "$tarball"
echo "$tarball"
