// SPDX-License-Identifier: GPL-2.0
/*
 * jailbench: what a jail costs, measured inside the test guest by
 * "make bench" (scripts/bench.sh boots the guest and runs it).
 *
 *   jailbench main RUNS      creation, churn, idle memory, ps
 *   jailbench hot RUNS       hot paths: an unjailed task before any jail
 *                            exists, then a jailed and an unjailed one
 *   jailbench unjailed RUNS  hot paths of an unjailed task only (for the
 *                            kernel built with CONFIG_JAIL=n)
 *   jailbench density N      N concurrent jails with one task each
 *   jailbench noisy RUNS     host operations on an idle host, then while
 *                            one jail does its worst
 *
 * Under TCG the hot paths run in a guest whose clock counts instructions
 * (qemu -icount shift=0): their figures are then instruction counts.
 *
 * Every figure is sampled RUNS times, the variants of one metric
 * interleaved within each run, so that a slow patch of the (shared,
 * emulated) machine hits them alike.  Output, one line each:
 *
 *   SAMPLE <metric> <variant> <run> <value>
 *   INFO <key> <value...>
 *
 * scripts/bench-report.py turns them into build/bench/report.md.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/sysmacros.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "jail.h"	/* tools/jail/jail.h from the series */

#define ROOT "/bench/root"
#define JAIL_ADDR "192.0.2.1"
#define SANDBOX_NS (CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | \
		    CLONE_NEWIPC | CLONE_NEWUTS)

/* What a typical virtual server keeps; jail and capset get the same. */
#define CEILING (JAIL_CAP(CAP_CHOWN) | JAIL_CAP(CAP_DAC_OVERRIDE) |	\
		 JAIL_CAP(CAP_FOWNER) | JAIL_CAP(CAP_KILL) |		\
		 JAIL_CAP(CAP_SETUID) | JAIL_CAP(CAP_SETGID) |		\
		 JAIL_CAP(CAP_NET_BIND_SERVICE) | JAIL_CAP(CAP_SYS_CHROOT))

static uint32_t jail_ip;

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "jailbench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(1);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void sample(const char *metric, const char *variant, int run,
		   double value)
{
	printf("SAMPLE %s %s %d %.3f\n", metric, variant, run, value);
	fflush(stdout);
}

static void info(const char *key, const char *fmt, ...)
{
	va_list ap;

	printf("INFO %s ", key);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static void write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		die("cannot write %s: %s", path, strerror(errno));
	close(fd);
}

static long read_long(const char *path)
{
	char buf[64] = "";
	int fd = open(path, O_RDONLY);

	if (fd < 0 || read(fd, buf, sizeof(buf) - 1) < 0)
		die("cannot read %s: %s", path, strerror(errno));
	close(fd);
	return strtol(buf, NULL, 10);
}

/* The root every jail, sandbox and chrooted worker of the bench uses. */
static void setup_root(void)
{
	mkdir("/bench", 0755);
	mkdir(ROOT, 0755);
	mkdir(ROOT "/proc", 0755);
	mkdir(ROOT "/tmp", 01777);
	write_str(ROOT "/file", "jailbench\n");
	if (access(ROOT "/proc/self", F_OK) &&
	    mount("proc", ROOT "/proc", "proc", 0, NULL))
		die("mount proc: %s", strerror(errno));
	jail_ip = inet_addr(JAIL_ADDR);
}

/* Kernel memory as the issue counts it: Slab + KernelStack + PageTables. */
static double kernel_memory(void)
{
	char line[128];
	double total = 0;
	long kb;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		die("/proc/meminfo: %s", strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Slab: %ld kB", &kb) == 1 ||
		    sscanf(line, "KernelStack: %ld kB", &kb) == 1 ||
		    sscanf(line, "PageTables: %ld kB", &kb) == 1)
			total += kb * 1024.0;
	}
	fclose(f);
	return total;
}

/*
 * Wait until freeing done in the background (RCU, namespace cleanup
 * workers) is over: kernel memory back within 1 MiB of @target, or no
 * longer moving for a second.  Returns the time it took, in ns.
 */
static double settle(double target)
{
	double start = now_ns(), last = kernel_memory();
	int still = 0;

	while (now_ns() - start < 30e9) {
		double cur;

		usleep(100000);
		cur = kernel_memory();
		if (cur <= target + (1 << 20))
			break;
		still = (cur > last - 65536) ? still + 1 : 0;
		if (still >= 10)
			break;
		last = cur;
	}
	return now_ns() - start;
}

/*
 * Parent and child on one CPU: a fork, exit and wait then involve no
 * cross-CPU wakeups, which an emulated machine makes slow and noisy.
 * The kernel's own workers (RCU, namespace cleanup) still run anywhere.
 */
static void pin_to_one_cpu(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity: %s", strerror(errno));
	info("pinned_cpu", "0");
}

/* ---- one life: fork, become something, exit ------------------------- */

enum life { LIFE_FORK, LIFE_JAIL, LIFE_SANDBOX, LIFE_CHROOT };
static const char *const life_name[] = { "fork", "jail", "sandbox", "chroot" };

static int drop_caps(uint64_t keep)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2] = {
		{ .effective = (uint32_t)keep, .permitted = (uint32_t)keep },
		{ .effective = keep >> 32, .permitted = keep >> 32 },
	};

	return syscall(SYS_capset, &hdr, data);
}

/* In a child: become what @life says.  0 or -1. */
static int become(enum life life)
{
	switch (life) {
	case LIFE_FORK:
		return 0;
	case LIFE_JAIL:
		return jail(ROOT, CEILING, jail_ip) > 0 ? 0 : -1;
	case LIFE_SANDBOX:
		if (unshare(SANDBOX_NS))
			return -1;
		/* fallthrough: a sandbox is chrooted too */
	case LIFE_CHROOT:
		if (chroot(ROOT) || chdir("/"))
			return -1;
		return life == LIFE_CHROOT ? drop_caps(CEILING) : 0;
	}
	return -1;
}

static void one_life(enum life life)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0)
		_exit(become(life) ? 1 : 0);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		die("a %s life failed", life_name[life]);
}

/*
 * Each run times n lives of every kind, interleaved life by life: the
 * fork that dominates each of them then drifts alike for all kinds.
 */
static void bench_creation(int runs)
{
	const int n = 200;
	int run, i, k;

	info("creation_lives_per_sample", "%d", n);
	for (run = 0; run < runs; run++) {
		double sum[4] = { 0 }, base = kernel_memory();

		for (i = 0; i < n; i++) {
			for (k = 0; k < 4; k++) {
				enum life life = (i + k + run) % 4;
				double t0 = now_ns();

				one_life(life);
				sum[life] += now_ns() - t0;
			}
		}
		for (k = 0; k < 4; k++)
			sample("create", life_name[k], run, sum[k] / n);
		settle(base);
	}
}

/*
 * Lives per second over 5 s, counting the time the kernel then needs to
 * finish tearing them down (RCU frees, the network namespace cleanup
 * worker): a life counts once it is fully gone.  Plain fork + exit lives
 * give the process's own share.
 */
static void bench_churn(int runs)
{
	int run, k;

	static const enum life order[] = { LIFE_FORK, LIFE_JAIL, LIFE_SANDBOX };

	for (run = 0; run < runs; run++) {
		for (k = 0; k < 3; k++) {
			enum life life = order[(run + k) % 3];
			double base = kernel_memory(), start = now_ns(), loop, drain;
			long count = 0;

			while (now_ns() - start < 5e9) {
				one_life(life);
				count++;
			}
			loop = now_ns() - start;
			drain = settle(base);
			info("churn_drain_ms", "%s %d %.0f", life_name[life], run,
			     drain / 1e6);
			sample("churn", life_name[life], run,
			       count / ((loop + drain) / 1e9));
		}
	}
}

/* ---- idle memory ------------------------------------------------------ */

/* @n children that became @life and sleep; their pids in @pids. */
static void spawn_sleepers(enum life life, int n, pid_t *pids)
{
	int ready[2], i;
	char c;

	if (pipe(ready))
		die("pipe: %s", strerror(errno));
	for (i = 0; i < n; i++) {
		pids[i] = fork();
		if (pids[i] < 0)
			die("fork of sleeper %d: %s", i, strerror(errno));
		if (pids[i] == 0) {
			close(ready[0]);
			c = become(life) ? 'F' : 'R';
			if (write(ready[1], &c, 1) != 1 || c != 'R')
				_exit(1);
			close(ready[1]);
			for (;;)
				pause();
		}
		if (read(ready[0], &c, 1) != 1 || c != 'R')
			die("sleeper %d could not become %s", i, life_name[life]);
	}
	close(ready[0]);
	close(ready[1]);
}

static void reap_sleepers(int n, pid_t *pids)
{
	int i;

	for (i = 0; i < n; i++)
		kill(pids[i], SIGKILL);
	for (i = 0; i < n; i++)
		waitpid(pids[i], NULL, 0);
}

static void bench_memory(int runs)
{
	static const enum life order[] = { LIFE_FORK, LIFE_JAIL, LIFE_SANDBOX };
	const int n = 1000;
	pid_t *pids = calloc(n, sizeof(*pids));
	double floor = kernel_memory();
	int run, k;

	info("memory_tasks_per_sample", "%d", n);
	for (run = 0; run < runs; run++) {
		for (k = 0; k < 3; k++) {
			enum life life = order[(run + k) % 3];
			double before, after;

			settle(floor);
			before = kernel_memory();
			spawn_sleepers(life, n, pids);
			after = kernel_memory();
			reap_sleepers(n, pids);
			sample("memory", life_name[life], run,
			       (after - before) / n);
		}
	}
	free(pids);
}

/* ---- hot paths: a worker, jailed or not, runs loops on request -------- */

enum op {
	OP_GETPPID, OP_KILL, OP_BIND, OP_TCP, OP_UDP, OP_OPEN, OP_SYSCTL,
	OP_PS, NR_OPS
};
static const char *const op_name[] = {
	"getppid", "kill", "bind_close", "tcp_connect_accept", "udp_send",
	"open_close", "proc_sys_read", "ps",
};
#define NR_HOT_OPS OP_PS	/* ps is measured on its own */

struct worker {
	pid_t pid;
	int cmd, reply;
};

struct fixture {
	pid_t mates[9];		/* sleeping tasks of the worker's own */
	int listener, receiver, sender;
	struct sockaddr_in tcp_addr, udp_addr;
};

static void no_linger(int fd)
{
	struct linger l = { .l_onoff = 1, .l_linger = 0 };

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
}

static void setup_fixture(struct fixture *fx, int port_base)
{
	socklen_t len = sizeof(struct sockaddr_in);
	int i, big = 1 << 20;

	for (i = 0; i < 9; i++) {
		fx->mates[i] = fork();
		if (fx->mates[i] < 0)
			die("fork: %s", strerror(errno));
		if (fx->mates[i] == 0) {
			for (;;)
				pause();
		}
	}
	memset(&fx->tcp_addr, 0, sizeof(fx->tcp_addr));
	fx->tcp_addr.sin_family = AF_INET;
	fx->tcp_addr.sin_addr.s_addr = jail_ip;
	fx->tcp_addr.sin_port = htons(port_base);
	fx->udp_addr = fx->tcp_addr;
	fx->udp_addr.sin_port = htons(port_base + 1);
	fx->listener = socket(AF_INET, SOCK_STREAM, 0);
	if (fx->listener < 0 ||
	    bind(fx->listener, (struct sockaddr *)&fx->tcp_addr, len) ||
	    listen(fx->listener, 16))
		die("tcp listener: %s", strerror(errno));
	fx->receiver = socket(AF_INET, SOCK_DGRAM, 0);
	if (fx->receiver < 0 ||
	    bind(fx->receiver, (struct sockaddr *)&fx->udp_addr, len))
		die("udp receiver: %s", strerror(errno));
	setsockopt(fx->receiver, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	/* Unbound: a jail's sends pick the jail's address as source. */
	fx->sender = socket(AF_INET, SOCK_DGRAM, 0);
	if (fx->sender < 0)
		die("udp sender: %s", strerror(errno));
}

static void do_ps(void)
{
	char path[300], buf[1024];
	struct dirent *de;
	DIR *d = opendir("/proc");

	if (!d)
		die("opendir /proc: %s", strerror(errno));
	while ((de = readdir(d))) {
		int fd;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		if (read(fd, buf, sizeof(buf)) < 0)
			die("read %s: %s", path, strerror(errno));
		close(fd);
	}
	closedir(d);
}

static void run_op(struct fixture *fx, enum op op, long iters)
{
	socklen_t len = sizeof(struct sockaddr_in);
	char buf[64] = "jailbench";
	long i;
	int fd, c, a;

	for (i = 0; i < iters; i++) {
		switch (op) {
		case OP_GETPPID:
			getppid();
			break;
		case OP_KILL:
			if (kill(fx->mates[0], 0))
				die("kill: %s", strerror(errno));
			break;
		case OP_BIND: {
			struct sockaddr_in any = fx->udp_addr;

			any.sin_port = 0;
			fd = socket(AF_INET, SOCK_DGRAM, 0);
			if (fd < 0 || bind(fd, (struct sockaddr *)&any, len))
				die("bind: %s", strerror(errno));
			close(fd);
			break;
		}
		case OP_TCP:
			c = socket(AF_INET, SOCK_STREAM, 0);
			if (c < 0 ||
			    connect(c, (struct sockaddr *)&fx->tcp_addr, len))
				die("connect: %s", strerror(errno));
			a = accept(fx->listener, NULL, NULL);
			if (a < 0)
				die("accept: %s", strerror(errno));
			/* Reset instead of TIME_WAIT: no port runs out. */
			no_linger(c);
			no_linger(a);
			close(c);
			close(a);
			break;
		case OP_UDP:
			if (sendto(fx->sender, buf, 32, 0,
				   (struct sockaddr *)&fx->udp_addr, len) != 32)
				die("sendto: %s", strerror(errno));
			if (recv(fx->receiver, buf, sizeof(buf), 0) != 32)
				die("recv: %s", strerror(errno));
			break;
		case OP_OPEN:
			fd = open("/file", O_RDONLY);
			if (fd < 0)
				die("open /file: %s", strerror(errno));
			close(fd);
			break;
		case OP_SYSCTL:
			fd = open("/proc/sys/kernel/ostype", O_RDONLY);
			if (fd < 0 || read(fd, buf, sizeof(buf)) <= 0)
				die("/proc/sys/kernel/ostype: %s", strerror(errno));
			close(fd);
			break;
		case OP_PS:
			do_ps();
			break;
		case NR_OPS:
			break;
		}
	}
}

struct request {
	int op;
	long iters;
};

/* A worker: chrooted (host) or jailed, answers requests until EOF. */
static struct worker start_worker(bool jailed, int port_base)
{
	int cmd[2], reply[2];
	struct worker w;

	if (pipe(cmd) || pipe(reply))
		die("pipe: %s", strerror(errno));
	w.pid = fork();
	if (w.pid < 0)
		die("fork: %s", strerror(errno));
	if (w.pid == 0) {
		struct fixture fx;
		struct request req;
		int i;

		int fd;

		/* Other workers' pipes too: each must see its own EOF. */
		for (fd = 3; fd < 1024; fd++)
			if (fd != cmd[0] && fd != reply[1])
				close(fd);
		if (become(jailed ? LIFE_JAIL : LIFE_CHROOT))
			die("worker: cannot become %s: %s",
			    jailed ? "jailed" : "chrooted", strerror(errno));
		setup_fixture(&fx, port_base);
		while (read(cmd[0], &req, sizeof(req)) == sizeof(req)) {
			double start = now_ns(), per;

			run_op(&fx, req.op, req.iters);
			per = (now_ns() - start) / req.iters;
			if (write(reply[1], &per, sizeof(per)) != sizeof(per))
				break;
		}
		for (i = 0; i < 9; i++)
			kill(fx.mates[i], SIGKILL);
		_exit(0);
	}
	close(cmd[0]);
	close(reply[1]);
	w.cmd = cmd[1];
	w.reply = reply[0];
	return w;
}

static double ask(struct worker *w, enum op op, long iters)
{
	struct request req = { .op = op, .iters = iters };
	double per;

	if (write(w->cmd, &req, sizeof(req)) != sizeof(req) ||
	    read(w->reply, &per, sizeof(per)) != sizeof(per))
		die("worker %d died during %s", w->pid, op_name[op]);
	return per;
}

static void stop_worker(struct worker *w)
{
	close(w->cmd);
	close(w->reply);
	waitpid(w->pid, NULL, 0);
}

/* Iterations that make one sample last about 40 ms (at least one). */
static long calibrate(struct worker *w, enum op op)
{
	long iters = 1;
	double per;

	for (;;) {
		per = ask(w, op, iters);
		if (per * iters >= 10e6 || iters >= 1L << 20)
			break;
		iters *= 4;
	}
	iters = 40e6 / per;
	return iters < 1 ? 1 : iters;
}

/*
 * @nw workers named @names; each run samples every op on every worker,
 * the worker order alternating from run to run.
 */
static void bench_ops(const char *metric, struct worker *ws,
		      const char *const *names, int nw, int first_op,
		      int last_op, int runs)
{
	long iters[NR_OPS];
	int run, op, k;

	for (op = first_op; op <= last_op; op++) {
		iters[op] = calibrate(&ws[0], op);
		info("iterations", "%s %s %ld", metric, op_name[op], iters[op]);
	}
	for (run = 0; run < runs; run++) {
		for (op = first_op; op <= last_op; op++) {
			for (k = 0; k < nw; k++) {
				int w = (run + k) % nw;
				char variant[64];

				snprintf(variant, sizeof(variant), "%s:%s",
					 op_name[op], names[w]);
				sample(metric, variant, run,
				       ask(&ws[w], op, iters[op]));
			}
		}
	}
}

static void bench_hot(int runs, bool with_jail)
{
	static const char *const names[] = { "host", "jail" };
	struct worker ws[2];
	int nw = with_jail ? 2 : 1;

	ws[0] = start_worker(false, 5000);
	if (with_jail)
		ws[1] = start_worker(true, 5010);
	bench_ops(with_jail ? "hot" : "hot_nojail", ws, names, nw,
		  OP_GETPPID, NR_HOT_OPS - 1, runs);
	stop_worker(&ws[0]);
	if (with_jail)
		stop_worker(&ws[1]);
}

/* ps: a jail with 10 tasks against the host, while the host runs 10,000. */
static void bench_ps(int runs)
{
	static const char *const names[] = { "host", "jail" };
	const int n = 10000;
	pid_t *pids = calloc(n, sizeof(*pids));
	struct worker ws[2];

	spawn_sleepers(LIFE_FORK, n, pids);
	ws[0] = start_worker(false, 5020);
	ws[1] = start_worker(true, 5030);
	info("ps_host_tasks", "%d", n);
	bench_ops("ps", ws, names, 2, OP_PS, OP_PS, runs);
	stop_worker(&ws[0]);
	stop_worker(&ws[1]);
	reap_sleepers(n, pids);
	free(pids);
}

/* The first jail on a host turns the jail hooks on (a static key). */
static void bench_first_jail(int runs)
{
	int run;

	for (run = 0; run < runs; run++) {
		double t0;

		/* The key goes off a second after the last jail is freed. */
		usleep(1500000);
		t0 = now_ns();
		one_life(LIFE_JAIL);
		sample("first_jail", "jail", run, now_ns() - t0);
		t0 = now_ns();
		one_life(LIFE_FORK);
		sample("first_jail", "fork", run, now_ns() - t0);
	}
}

/* ---- density ---------------------------------------------------------- */

static void bench_density(int n)
{
	int ready[2], go[2], result[2], created = 0, usable = 0, i;
	long threads_max = read_long("/proc/sys/kernel/threads-max");
	double mem0 = kernel_memory(), start = now_ns(), mem1;
	pid_t *pids = calloc(n, sizeof(*pids));
	char c, line[256];
	FILE *f;
	int listed = 0;

	info("threads_max_default", "%ld", threads_max);
	if (threads_max < 4L * n) {
		char v[32];

		snprintf(v, sizeof(v), "%ld", 4L * n);
		write_str("/proc/sys/kernel/threads-max", v);
		info("threads_max_set", "%s", v);
	}
	if (pipe(ready) || pipe(go) || pipe(result))
		die("pipe: %s", strerror(errno));
	for (i = 0; i < n; i++) {
		pids[i] = fork();
		if (pids[i] < 0) {
			info("density_fork_failed", "%d %s", i, strerror(errno));
			break;
		}
		if (pids[i] == 0) {
			struct sockaddr_in sin = { .sin_family = AF_INET };
			socklen_t len = sizeof(sin);
			int fd;

			close(ready[0]);
			close(go[1]);
			close(result[0]);
			c = become(LIFE_JAIL) ? 'F' : 'R';
			if (write(ready[1], &c, 1) != 1 || c != 'R')
				_exit(1);
			/* Sleep until the parent closes the go pipe. */
			while (read(go[0], &c, 1) > 0)
				;
			/* Usable: its root, its address. */
			c = 'N';
			fd = open("/file", O_RDONLY);
			if (fd >= 0) {
				close(fd);
				fd = socket(AF_INET, SOCK_DGRAM, 0);
				if (fd >= 0 &&
				    !bind(fd, (struct sockaddr *)&sin, len) &&
				    !getsockname(fd, (struct sockaddr *)&sin,
						 &len) &&
				    sin.sin_addr.s_addr == jail_ip)
					c = 'U';
			}
			if (write(result[1], &c, 1) != 1)
				_exit(1);
			_exit(0);
		}
		if (read(ready[0], &c, 1) != 1 || c != 'R') {
			info("density_jail_failed", "%d", i);
			waitpid(pids[i], NULL, 0);
			break;
		}
		created++;
	}
	info("density_create_seconds", "%.2f", (now_ns() - start) / 1e9);
	mem1 = kernel_memory();
	f = fopen("/proc/jails", "r");
	while (f && fgets(line, sizeof(line), f))
		listed += line[0] >= '0' && line[0] <= '9';
	if (f)
		fclose(f);
	f = fopen("/proc/meminfo", "r");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "MemAvailable:", 13))
			info("density_memavailable", "%s", line + 13);
	if (f)
		fclose(f);
	info("density_kernel_memory_per_jail_bytes", "%.0f",
	     (mem1 - mem0) / (created ? created : 1));
	close(go[1]);
	close(ready[0]);
	close(ready[1]);
	close(result[1]);
	while (read(result[0], &c, 1) == 1)
		usable += c == 'U';
	for (i = 0; i < created; i++)
		waitpid(pids[i], NULL, 0);
	sample("density", "created", 0, created);
	sample("density", "listed", 0, listed);
	sample("density", "usable", 0, usable);
	free(pids);
}

/* ---- noisy neighbour -------------------------------------------------- */

/* The neighbour's processes: what an administrator's "ulimit -u" allows. */
#define NOISY_NPROC 256

/* fork + exit + wait of an unjailed task, per life, over @n lives. */
static double host_forks(int n)
{
	double t0 = now_ns();
	int i;

	for (i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0)
			die("host fork: %s", strerror(errno));
		if (pid == 0)
			_exit(0);
		if (waitpid(pid, NULL, 0) != pid)
			die("host waitpid: %s", strerror(errno));
	}
	return (now_ns() - t0) / n;
}

/* A unix socket round trip between two unjailed tasks, over @n trips. */
static double host_round_trips(int n)
{
	int sv[2], i;
	double t0;
	pid_t pid;
	char c = 0;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		die("socketpair: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		close(sv[0]);
		while (read(sv[1], &c, 1) == 1 && write(sv[1], &c, 1) == 1)
			;
		_exit(0);
	}
	close(sv[1]);
	t0 = now_ns();
	for (i = 0; i < n; i++)
		if (write(sv[0], &c, 1) != 1 || read(sv[0], &c, 1) != 1)
			die("round trip: %s", strerror(errno));
	t0 = (now_ns() - t0) / n;
	close(sv[0]);
	waitpid(pid, NULL, 0);
	return t0;
}

/*
 * Inside the neighbour jail: try what the jail rules refuse (real-time
 * scheduling, negative nice, locked memory), use up every per-user limit
 * and pty the jail may have.  Prints what it got when @report.
 */
static void do_worst(bool report)
{
	struct sched_param fifo = { .sched_priority = 1 };
	struct epoll_event ev = { .events = EPOLLIN };
	struct sigevent sev = {
		.sigev_notify = SIGEV_SIGNAL,
		.sigev_signo = SIGUSR1,
	};
	int ptys = 0, watches = 0, timers = 0, inotify = 0, ep, p[2];
	bool fifo_ok, nice_ok, mlock_ok;
	timer_t timer;

	fifo_ok = !sched_setscheduler(0, SCHED_FIFO, &fifo);
	nice_ok = !setpriority(PRIO_PROCESS, 0, -20);
	mlock_ok = !mlockall(MCL_CURRENT | MCL_FUTURE);
	while (ptys < 256 && open("/dev/ptmx", O_RDWR | O_NOCTTY) >= 0)
		ptys++;
	while (inotify < 1024 && inotify_init1(IN_CLOEXEC) >= 0)
		inotify++;
	while (timers < 100000 && !timer_create(CLOCK_MONOTONIC, &sev, &timer))
		timers++;
	ep = epoll_create1(EPOLL_CLOEXEC);
	while (ep >= 0 && !pipe2(p, O_CLOEXEC) &&
	       !epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev))
		watches++;
	if (report) {
		info("noisy_sched_fifo", "%s", fifo_ok ? "granted" : "refused");
		info("noisy_nice_minus_20", "%s", nice_ok ? "granted" : "refused");
		info("noisy_mlockall", "%s", mlock_ok ? "granted" : "refused");
		info("noisy_ptys", "%d", ptys);
		info("noisy_inotify_instances", "%d", inotify);
		info("noisy_timers", "%d", timers);
		info("noisy_epoll_watches", "%d", watches);
	}
}

/*
 * A jail, started as the tools start one (a session of its own), that does
 * its worst, then forks up to its process limit.  Returns once all of its
 * processes exist; the jail's session id is the returned pid.  They hold
 * what they got and sleep: CPU time is not a jail rule but the
 * scheduler's (autogroups, cgroups' cpu.max), and under single-threaded
 * TCG a busy second vCPU would halve the first one's wall clock whatever
 * the guest's scheduler does.
 */
static pid_t start_neighbour(bool report)
{
	struct rlimit nproc = { NOISY_NPROC, NOISY_NPROC };
	int ready[2], n = 0;
	pid_t pid;
	char c;

	if (pipe(ready))
		die("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		close(ready[0]);
		if (setsid() < 0 || setrlimit(RLIMIT_NPROC, &nproc) ||
		    jail(ROOT, CEILING, jail_ip) <= 0)
			_exit(1);
		do_worst(report);
		for (;;) {
			pid_t child = fork();

			if (child < 0)
				break;
			if (child == 0)
				for (;;)
					pause();
			n++;
		}
		if (report)
			info("noisy_processes", "%d (fork then: %s)", n + 1,
			     strerror(errno));
		c = 'R';
		if (write(ready[1], &c, 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(ready[1]);
	if (read(ready[0], &c, 1) != 1 || c != 'R')
		die("the noisy neighbour did not start");
	close(ready[0]);
	return pid;
}

/* Kill the neighbour's session and reap it all (we are its subreaper). */
static void stop_neighbour(pid_t sid)
{
	kill(-sid, SIGKILL);
	while (waitpid(-1, NULL, 0) > 0)
		;
}

/*
 * Host operations on an idle host and while one jail does its worst,
 * interleaved run by run.  A host operation must not fail while the
 * neighbour holds everything it could get.
 */
static void bench_noisy(int runs)
{
	const int forks = 100, trips = 2000;
	int run;

	if (prctl(PR_SET_CHILD_SUBREAPER, 1))
		die("PR_SET_CHILD_SUBREAPER: %s", strerror(errno));
	/* ptys: the host's devpts instance, as a careless host shares it. */
	mkdir(ROOT "/dev", 0755);
	mkdir(ROOT "/dev/pts", 0755);
	if (mount("/dev/pts", ROOT "/dev/pts", NULL, MS_BIND, NULL))
		info("noisy_devpts", "not shared: %s", strerror(errno));
	unlink(ROOT "/dev/ptmx");
	if (mknod(ROOT "/dev/ptmx", S_IFCHR | 0666, makedev(5, 2)))
		info("noisy_ptmx", "none: %s", strerror(errno));
	info("noisy_forks_per_sample", "%d", forks);
	info("noisy_round_trips_per_sample", "%d", trips);
	for (run = 0; run < runs; run++) {
		pid_t sid;

		sample("noisy_fork", "idle", run, host_forks(forks));
		sample("noisy_unix", "idle", run, host_round_trips(trips));
		sid = start_neighbour(run == 0);
		sample("noisy_fork", "noisy", run, host_forks(forks));
		sample("noisy_unix", "noisy", run, host_round_trips(trips));
		stop_neighbour(sid);
	}
	umount2(ROOT "/dev/pts", MNT_DETACH);
}

int main(int argc, char **argv)
{
	int arg = argc > 2 ? atoi(argv[2]) : 0;

	if (argc != 3 || arg <= 0)
		die("usage: jailbench main|hot|unjailed|noisy RUNS | density N");
	setvbuf(stdout, NULL, _IOLBF, 0);
	setup_root();
	signal(SIGPIPE, SIG_IGN);
	if (!strcmp(argv[1], "unjailed")) {
		bench_hot(arg, false);
	} else if (!strcmp(argv[1], "hot")) {
		/* Before any jail exists: the host as a distro ships it. */
		bench_hot(arg, false);
		bench_hot(arg, true);
	} else if (!strcmp(argv[1], "main")) {
		pin_to_one_cpu();
		bench_first_jail(arg);
		bench_creation(arg);
		bench_ps(arg);
		bench_memory(arg);
		bench_churn(arg);
	} else if (!strcmp(argv[1], "density")) {
		bench_density(arg);
	} else if (!strcmp(argv[1], "noisy")) {
		bench_noisy(arg);
	} else {
		die("unknown mode %s", argv[1]);
	}
	printf("JAILBENCH-DONE\n");
	return 0;
}
