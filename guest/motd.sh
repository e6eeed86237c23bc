#!/bin/sh
cat <<'MSG'

jail(2) test guest.  A ready jail root is in /srv/jail (busybox).
Ctrl-A X leaves qemu; "reboot -f" too.
  uname -r; zcat /proc/config.gz | grep JAIL
MSG
