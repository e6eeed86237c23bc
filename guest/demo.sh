#!/bin/sh
# make run: two virtual servers on one guest, each a busybox httpd on port
# 80 of its own address, then what a jail sees and what it may not do.
# Needs the jail tools (tools/jail in the series) in /usr/sbin.
command -v jail >/dev/null || { echo "demo: no jail tools in this guest"; exit 0; }

say() { printf '\n\033[1m# %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; sh -c "$*" 2>&1 | sed 's/^/  /'; }

# A jail root: busybox, a page, a /proc of its own, /dev/null.
make_root() {
	r=/srv/$1
	mkdir -p "$r/bin" "$r/www" "$r/proc" "$r/dev" "$r/tmp"
	cp /bin/busybox "$r/bin/busybox"
	for app in sh ps ls cat kill wget echo id mknod dmesg hostname sleep; do
		ln -sf busybox "$r/bin/$app"
	done
	echo "<h1>$2</h1>" >"$r/www/index.html"
	mount -t proc proc "$r/proc"
	mknod -m 666 "$r/dev/null" c 1 3
}

say "Two jail roots built from busybox"
make_root www1 "virtual server one, 192.0.2.1"
make_root www2 "virtual server two, 192.0.2.2"
run ls /srv/www1 /srv/www1/bin

say "Start httpd on port 80 in each jail, each on its own address"
caps=net_bind_service,setuid,setgid,kill
jid1=$(jail -n -c $caps /srv/www1 192.0.2.1 /bin/busybox httpd -f -p 80 -h /www >/tmp/jid1 &
       sleep 0.3; cat /tmp/jid1)
jid2=$(jail -n -c $caps /srv/www2 192.0.2.2 /bin/busybox httpd -f -p 80 -h /www >/tmp/jid2 &
       sleep 0.3; cat /tmp/jid2)
printf '$ jail -n -c %s /srv/www1 192.0.2.1 /bin/busybox httpd -f -p 80 -h /www &\n  %s\n' "$caps" "$jid1"
printf '$ jail -n -c %s /srv/www2 192.0.2.2 /bin/busybox httpd -f -p 80 -h /www &\n  %s\n' "$caps" "$jid2"
sleep 0.5
run jls -v
run "wget -qO- http://192.0.2.1/; wget -qO- http://192.0.2.2/"

say "Inside jail $jid1: its own processes, its own address"
run jexec "$jid1" ps
run jexec "$jid1" wget -qO- http://127.0.0.1/
run "jexec $jid1 cat /proc/jails"

say "Escape attempts from jail $jid1, as root"
run jexec "$jid1" kill -9 1
run jexec "$jid1" sh -c "'echo pwned > /proc/sys/kernel/hostname'"
run jexec "$jid1" hostname pwned
run jexec "$jid1" dmesg
run jexec "$jid1" mknod /dev/sda b 8 0
run jexec "$jid1" sh -c "'cd ../../..; ls'"
run hostname

say "Stop jail $jid2"
run jail -r "$jid2"
run jls
echo
