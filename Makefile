# jail(2) for Linux 6.12: the series in patches/, the tooling around it.
# Targets a kernel developer guesses; each is one script in scripts/.
#
#   make run [CMD='...']   boot the patched kernel into a busybox shell (or run CMD)
#   make check             everything from a fresh clone: build, boot, selftests, checkpatch
#   make tree              build/linux: pristine source tagged upstream + one commit per patch
#   make kernel            build/bzImage and build/usr/include  (JAIL=n, DEBUG=1)
#   make initramfs         build/initramfs.cpio.gz with busybox and the selftests
#   make check-series      what reviewers check: git am/quilt, checkpatch, kernel-doc,
#                          every prefix =y/=n, W=1, sparse, Debian config, allmodconfig
#   make check DEBUG=1     the tests on a KASAN/lockdep/kmemleak/UBSAN kernel
#   make bench             what a jail costs: build/bench/report.md (RUNS=15)
#   make export            rewrite patches/ from the commits in build/linux
#   make clean             remove build outputs; keeps build/linux and ~/.cache/jail-linux
#   make distclean         also remove build/linux (refuses if it holds unexported work)

S := scripts
export KERNEL_TARBALL JAIL DEBUG RUNS DENSITY CHECKS

.PHONY: all deps tree kernel initramfs run check check-series bench export clean distclean

all: check

deps:
	@$(S)/deps.sh

tree: deps
	@$(S)/make-tree.sh

kernel: tree
	@$(S)/build-kernel.sh

initramfs: kernel
	@$(S)/build-initramfs.sh

# $(value CMD): the command as typed, so that the guest's shell, not make,
# expands its $VAR, $(...) and $?.
run: initramfs
ifeq ($(strip $(value CMD)),)
	@$(S)/run-guest.sh shell
else
	@$(S)/run-guest.sh cmd '$(subst ','\'',$(value CMD))'
endif

check:
	@$(S)/check.sh

check-series: tree
	@$(S)/check-series.sh

bench: tree
	@$(S)/bench.sh

export:
	@$(S)/export.sh

clean:
	rm -rf build/linux.tmp build/kobj* build/kselftest* build/initramfs* \
		build/bzImage* build/usr build/logs build/accel build/*.gz \
		build/bench

distclean: clean
	@$(S)/distclean.sh
