#!/usr/bin/env bash
# The guest's initramfs: static busybox, guest/init, the installed jail
# selftests from the series (built static against build/usr/include), and a
# busybox jail root in /srv/jail.  Written to build/initramfs.cpio.gz.
. "$(dirname "$0")/lib.sh"

# Debian's busybox-static installs a static /bin/busybox.
busybox=/bin/busybox
dpkg -s busybox-static >/dev/null 2>&1 && [ -x "$busybox" ] ||
	die "no static busybox: apt-get install busybox-static"
[ -d "$HDRS/include/linux" ] || die "no uapi headers in build/usr/include: run make kernel"

ksft=$BUILD/kselftest
rm -rf "$ksft"
if [ -d "$TREE/tools/testing/selftests/jail" ]; then
	step "building the jail selftests (static)"
	rm -rf "$ksft"
	# LDFLAGS from the environment so the tests' Makefile can still append.
	run_logged selftests env LDFLAGS=-static make -C "$TREE/tools/testing/selftests" \
		TARGETS=jail O="$BUILD/kselftest-obj" KSFT_INSTALL_PATH="$ksft" \
		KHDR_INCLUDES="-isystem $HDRS/include" -j"$(nproc)" install
fi

tools=$BUILD/tools
rm -rf "$tools"
if [ -d "$TREE/tools/jail" ]; then
	step "building the jail tools (static)"
	mkdir -p "$tools/obj"
	run_logged tools make -C "$TREE/tools/jail" OUTPUT="$tools/obj/" \
		KHDR_INCLUDES="-isystem $HDRS/include" LDFLAGS=-static \
		DESTDIR="$tools/root" prefix=/usr install
fi

root=$BUILD/initramfs
rm -rf "$root"
mkdir -p "$root"/{bin,sbin,etc,proc,sys,dev,tmp,root,srv/jail,usr/bin,usr/sbin}
cp "$busybox" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
install -m 755 "$TOP/guest/init" "$root/init"
install -m 755 "$TOP/guest/motd.sh" "$root/etc/motd.sh"
install -m 755 "$TOP/guest/demo.sh" "$root/etc/demo.sh"
[ -d "$tools/root/usr/sbin" ] && cp -a "$tools/root/usr/sbin/." "$root/usr/sbin/"
echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >>"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
[ -d "$ksft" ] && cp -a "$ksft" "$root/kselftest"

# A minimal jail root: busybox and the device nodes a jail may use are
# created by the tools in the guest; here only the files.
j=$root/srv/jail
mkdir -p "$j"/{bin,etc,tmp,dev,proc,www}
cp "$busybox" "$j/bin/busybox"
ln -s busybox "$j/bin/sh"
cp "$root/etc/passwd" "$root/etc/group" "$j/etc/"
echo '<h1>jail</h1>' >"$j/www/index.html"

(cd "$root" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --owner=0:0 --quiet) |
	gzip -1 >"$BUILD/initramfs.cpio.gz.tmp"
mv "$BUILD/initramfs.cpio.gz.tmp" "$BUILD/initramfs.cpio.gz"
step "initramfs ready: build/initramfs.cpio.gz ($(du -h "$BUILD/initramfs.cpio.gz" | cut -f1))"
