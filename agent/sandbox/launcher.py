"""Trusted sandbox launcher: isolates one target process, supervises it, and cleans up after it.

Run by path, never imported by the sandboxed side:

    <python> -I -B launcher.py <json-config> -- <target argv...>

It forks once. The child sets rlimits, enters fresh network and mount namespaces (when root), makes
every mount read-only except a private size-capped tmpfs scratch, hides the temp dirs, home dirs and
the repo, drops to the sandbox uid, sets no_new_privs and a seccomp filter (no sockets, no new
namespaces, no io_uring...), then `execve`s the target with a stripped environment. The parent stays
as a root-owned *subreaper*: every orphaned descendant (setsid'ed or double-forked) is reparented to
it and reaped, so nothing lingers as a zombie even when pid 1 does not reap. When the target exits,
the client closes the lifeline pipe, or SIGTERM arrives, it kills every process of the sandbox uid
(a forked helper that setuid()s to it and calls kill(-1, SIGKILL)) or, without a dedicated uid, its
whole descendant tree; reaps them all and reports the target's exit status on the status pipe.

Status pipe lines (JSON): {"event": "setup", "isolation": {...}} from the child just before exec,
{"event": "setup_error", "error": "..."} if setup failed, and {"event": "exit", ...} at the end.
Config keys: uid, gid (null: no uid drop), limits {cpu, as, nofile, fsize, nproc}, netns (bool),
mounts (null or {hide, bind, work, work_bytes, writable, packages}: `writable` directories are
bound like `bind` ones but stay writable, for outputs that must outlive the sandbox, such as a
compiled program; `packages` maps a site-packages directory to the entries of it to show: the
directory is hidden like `hide` ones and only those entries are bound back, read-only), cwd, env,
seccomp (bool), status_fd, lifeline_fd, target_fds (fds the target keeps).
"""

import contextlib
import ctypes
import errno
import json
import os
import re
import resource
import select
import signal
import struct
import sys
import time

CLONE_NEWNS = 0x00020000
CLONE_NEWNET = 0x40000000
NAMESPACE_FLAGS = 0x7E020000  # NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET

MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_NOATIME, MS_NODIRATIME, MS_BIND = 32, 1024, 2048, 4096
MS_REC, MS_PRIVATE, MS_RELATIME, MS_STRICTATIME = 1 << 14, 1 << 18, 1 << 21, 1 << 24
MOUNT_OPTION_FLAGS = {
    "nosuid": MS_NOSUID,
    "nodev": MS_NODEV,
    "noexec": MS_NOEXEC,
    "noatime": MS_NOATIME,
    "nodiratime": MS_NODIRATIME,
    "relatime": MS_RELATIME,
    "strictatime": MS_STRICTATIME,
}

PR_SET_PDEATHSIG, PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP, PR_SET_CHILD_SUBREAPER = 1, 38, 22, 36
SECCOMP_MODE_FILTER = 2

# Syscalls the sandbox never needs. Numbers per architecture: (audit arch, {name: nr}).
SECCOMP_ARCHES = {
    "x86_64": (
        0xC000003E,
        {
            "socket": 41,
            "clone": 56,
            "ptrace": 101,
            "pivot_root": 155,
            "chroot": 161,
            "mount": 165,
            "umount2": 166,
            "add_key": 248,
            "request_key": 249,
            "keyctl": 250,
            "unshare": 272,
            "perf_event_open": 298,
            "setns": 308,
            "bpf": 321,
            "userfaultfd": 323,
            "io_uring_setup": 425,
            "io_uring_enter": 426,
            "io_uring_register": 427,
            "clone3": 435,
        },
    ),
    "aarch64": (
        0xC00000B7,
        {
            "socket": 198,
            "clone": 220,
            "ptrace": 117,
            "pivot_root": 41,
            "chroot": 51,
            "mount": 40,
            "umount2": 39,
            "add_key": 217,
            "request_key": 218,
            "keyctl": 219,
            "unshare": 97,
            "perf_event_open": 241,
            "setns": 268,
            "bpf": 280,
            "userfaultfd": 282,
            "io_uring_setup": 425,
            "io_uring_enter": 426,
            "io_uring_register": 427,
            "clone3": 435,
        },
    ),
}

_libc = None


def libc():
    global _libc
    if _libc is None:
        try:
            _libc = ctypes.CDLL("libc.so.6", use_errno=True)
        except OSError:
            _libc = ctypes.CDLL(None, use_errno=True)
        _libc.mount.argtypes = [
            ctypes.c_char_p,
            ctypes.c_char_p,
            ctypes.c_char_p,
            ctypes.c_ulong,
            ctypes.c_char_p,
        ]
        _libc.prctl.argtypes = [ctypes.c_int] + [ctypes.c_ulong] * 4
    return _libc


def check(result, what):
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def prctl(option, arg2=0, arg3=0, arg4=0, arg5=0):
    check(libc().prctl(option, arg2, arg3, arg4, arg5), f"prctl({option})")


def mount(source, target, fstype, flags, data=None):
    def enc(s):
        return None if s is None else os.fsencode(s)

    result = libc().mount(enc(source), enc(target), enc(fstype), flags, enc(data))
    check(result, f"mount {target}")


def write_status(fd, obj):
    with contextlib.suppress(OSError):
        os.write(fd, (json.dumps(obj) + "\n").encode())


def processes_of_uid(uid):
    """Pids whose real uid is `uid` (zombies included)."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/status", "rb") as f:
                for line in f:
                    if line.startswith(b"Uid:"):
                        if int(line.split()[1]) == uid:
                            found.append(int(name))
                        break
        except OSError:
            continue
    return found


# -- child side: isolation, then exec ----------------------------------------------------------


def set_limits(cfg):
    lim = cfg["limits"]
    nproc = lim["nproc"]
    if cfg.get("uid") is None:
        # No dedicated uid: RLIMIT_NPROC counts all our user's processes, so make it relative.
        nproc += len(processes_of_uid(os.getuid()))
    values = {
        resource.RLIMIT_CPU: (lim["cpu"], lim["cpu"] + 2),
        resource.RLIMIT_AS: (lim["as"], lim["as"]),
        resource.RLIMIT_NOFILE: (lim["nofile"], lim["nofile"]),
        resource.RLIMIT_FSIZE: (lim["fsize"], lim["fsize"]),
        resource.RLIMIT_CORE: (0, 0),
        resource.RLIMIT_NPROC: (nproc, nproc),
    }
    for which, value in values.items():
        resource.setrlimit(which, value)
    return {
        "cpu_seconds": lim["cpu"],
        "address_space": lim["as"],
        "nofile": lim["nofile"],
        "fsize": lim["fsize"],
        "core": 0,
        "nproc": nproc,
        "nproc_enforced": cfg.get("uid") is not None or os.getuid() != 0,
    }


def unescape(match):
    return bytes([int(match.group(1), 8)])


def mountinfo():
    """(mount point, per-mount options) of every mount, in /proc/self/mountinfo order."""
    result = []
    with open("/proc/self/mountinfo", "rb") as f:
        for line in f:
            fields = line.split()
            point = os.fsdecode(re.sub(rb"\\([0-7]{3})", unescape, fields[4]))
            result.append((point, fields[5].decode().split(",")))
    return result


def setup_mounts(spec, uid, gid):
    """Private mount tree: everything read-only, temp/home/repo hidden, scratch a private tmpfs."""
    mount(None, "/", None, MS_REC | MS_PRIVATE)
    writable = list(spec.get("writable") or [])
    keep = {path: os.open(path, os.O_PATH | os.O_DIRECTORY) for path in [*spec["bind"], *writable]}
    packages = spec.get("packages") or {}
    sites = {site: os.open(site, os.O_PATH | os.O_DIRECTORY) for site in packages}
    hidden = []
    for path in [*spec["hide"], *packages]:
        if os.path.isdir(path) and not os.path.islink(path):
            mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=64k,mode=755")
            hidden.append(path)
    for path, fd in keep.items():
        os.makedirs(path, mode=0o755, exist_ok=True)
        mount(f"/proc/self/fd/{fd}", path, None, MS_BIND | MS_REC)
        os.close(fd)
    for site, fd in sites.items():
        bind_entries(site, fd, packages[site])
        os.close(fd)
    work = spec["work"]
    os.makedirs(work, mode=0o755, exist_ok=True)
    owner = f"uid={uid},gid={gid}" if uid is not None else f"uid={os.getuid()},gid={os.getgid()}"
    mount(
        "tmpfs", work, "tmpfs", MS_NOSUID | MS_NODEV, f"size={spec['work_bytes']},mode=700,{owner}"
    )
    failed = []
    root_ro = False
    for point, options in mountinfo():
        if point == work or point in writable or "ro" in options:
            root_ro = root_ro or point == "/"
            continue
        flags = MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID
        for option in options:
            flags |= MOUNT_OPTION_FLAGS.get(option, 0)
        try:
            mount(None, point, None, flags)
            root_ro = root_ro or point == "/"
        except OSError:
            failed.append(point)
    return {
        "read_only": root_ro,
        "hidden": hidden,
        "scratch": f"private tmpfs, {spec['work_bytes'] // (1 << 20)} MiB",
        "remount_failures": failed,
    }


def bind_entries(site, fd, entries):
    """Bind each entry (a directory or a file) of the site directory, whose pre-hiding view
    `fd` holds, back at its own path: over the empty tmpfs now hiding the site directory."""
    for entry in entries:
        if entry.startswith("/") or ".." in entry.split("/"):
            raise OSError(errno.EINVAL, f"package entry outside its site directory: {entry}")
        source = f"/proc/self/fd/{fd}/{entry}"
        target = os.path.join(site, entry)
        if os.path.isdir(source):
            os.makedirs(target, mode=0o755, exist_ok=True)
        else:
            os.makedirs(os.path.dirname(target), mode=0o755, exist_ok=True)
            os.close(os.open(target, os.O_WRONLY | os.O_CREAT, 0o644))
        mount(source, target, None, MS_BIND | MS_REC)


def seccomp_filter():
    """A BPF program denying the syscalls in SECCOMP_ARCHES; returns (prog bytes, denied names)."""
    arch = os.uname().machine
    if arch not in SECCOMP_ARCHES:
        raise OSError(errno.ENOSYS, f"no seccomp table for {arch}")
    audit_arch, nrs = SECCOMP_ARCHES[arch]
    ld, jeq, jge, jset, ret = 0x20, 0x15, 0x35, 0x45, 0x06
    allow = 0x7FFF0000

    def errno_ret(e):
        return 0x00050000 | e

    prog = [
        (ld, 0, 0, 4),  # A = arch
        (jeq, 1, 0, audit_arch),
        (ret, 0, 0, errno_ret(errno.ENOSYS)),  # foreign ABI (e.g. int 0x80): nothing
        (ld, 0, 0, 0),  # A = nr
    ]
    if arch == "x86_64":
        prog += [(jge, 0, 1, 0x40000000), (ret, 0, 0, errno_ret(errno.ENOSYS))]  # x32 ABI
    for name, nr in nrs.items():
        if name == "clone":
            continue
        code = errno.ENOSYS if name == "clone3" else errno.EPERM
        code = errno.EACCES if name == "socket" else code
        prog += [(jeq, 0, 1, nr), (ret, 0, 0, errno_ret(code))]
    prog += [
        (jeq, 0, 3, nrs["clone"]),
        (ld, 0, 0, 16),  # A = low 32 bits of args[0] (clone flags)
        (jset, 0, 1, NAMESPACE_FLAGS),
        (ret, 0, 0, errno_ret(errno.EPERM)),
        (ret, 0, 0, allow),
    ]
    return b"".join(struct.pack("=HBBI", *ins) for ins in prog), len(prog), sorted(nrs)


def install_seccomp():
    raw, count, names = seccomp_filter()
    buffer = ctypes.create_string_buffer(raw, len(raw))

    class SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    fprog = SockFprog(count, ctypes.addressof(buffer))
    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.addressof(fprog))
    return ["socket", "clone(new namespaces)"] + [n for n in names if n not in ("socket", "clone")]


def setup_child(cfg, launcher_pid):
    report = {"limits": set_limits(cfg)}
    uid, gid = cfg.get("uid"), cfg.get("gid")
    want = (CLONE_NEWNET if cfg.get("netns") else 0) | (CLONE_NEWNS if cfg.get("mounts") else 0)
    got = 0
    for flags in (want, CLONE_NEWNET & want, CLONE_NEWNS & want) if want else ():
        if flags and not flags & got:
            try:
                check(libc().unshare(flags), "unshare")
                got |= flags
            except OSError as exc:
                report.setdefault("errors", []).append(str(exc))
    report["netns"] = bool(got & CLONE_NEWNET)
    report["filesystem"] = None
    if got & CLONE_NEWNS:
        try:
            report["filesystem"] = setup_mounts(cfg["mounts"], uid, gid)
        except OSError as exc:
            report.setdefault("errors", []).append(f"mounts: {exc}")
    os.chdir(cfg["cwd"])
    report["uid_drop"] = False
    if uid is not None:
        os.setgroups([])
        os.setgid(gid)
        os.setuid(uid)
        if os.getuid() != uid or os.geteuid() != uid or os.getegid() != gid:
            raise OSError(errno.EPERM, "uid drop did not take")
        try:
            os.setuid(0)
        except PermissionError:
            pass
        else:
            raise OSError(errno.EPERM, "could regain root after the uid drop")
        report["uid_drop"] = True
        report["uid"] = uid
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # after setuid: a credential change clears it
    if os.getppid() != launcher_pid:
        os._exit(125)
    prctl(PR_SET_NO_NEW_PRIVS, 1)
    report["no_new_privs"] = True
    report["seccomp"] = None
    if cfg.get("seccomp"):
        try:
            report["seccomp"] = install_seccomp()
        except OSError as exc:
            report.setdefault("errors", []).append(f"seccomp: {exc}")
    return report


def run_child(cfg, argv, launcher_pid):
    status_fd = cfg["status_fd"]
    try:
        report = setup_child(cfg, launcher_pid)
        for fd in cfg["target_fds"]:
            os.set_inheritable(fd, True)
        os.set_inheritable(status_fd, False)
        write_status(status_fd, {"event": "setup", "isolation": report})
        os.execve(argv[0], argv, cfg["env"])
    except BaseException as exc:
        write_status(status_fd, {"event": "setup_error", "error": f"{type(exc).__name__}: {exc}"})
    os._exit(126)


# -- parent side: supervise, reap, kill everything ----------------------------------------------


def descendants(root):
    children = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read()
            ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(name))
    found, stack = [], [root]
    while stack:
        for pid in children.get(stack.pop(), ()):
            found.append(pid)
            stack.append(pid)
    return found


def kill_all(uid, gid):
    """SIGKILL every sandbox process: all of the uid when dedicated, else our descendants."""
    if uid is None:
        for pid in descendants(os.getpid()):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        return
    pid = os.fork()
    if pid == 0:
        try:
            os.setgroups([])
            os.setgid(gid)
            os.setuid(uid)
            os.kill(-1, signal.SIGKILL)  # every process of uid except ourselves
        except BaseException:
            os._exit(1)
        os._exit(0)
    os.waitpid(pid, 0)


def reap(target, state):
    """Reap every exited child; record the target's status and resource usage."""
    while True:
        try:
            pid, status, usage = os.wait4(-1, os.WNOHANG)
        except ChildProcessError:
            return False
        if pid == 0:
            return True
        if pid == target and state.get("status") is None:
            state["status"] = status
            state["cpu"] = usage.ru_utime + usage.ru_stime
            state["maxrss_kib"] = usage.ru_maxrss


def supervise(cfg, target):
    """Reap until the target exits or we are told to stop, then kill and reap everything.

    Signal handlers only set flags; the wakeup fd makes poll() return, so no exception can
    ever interrupt the cleanup below.
    """
    state = {}
    flags = {"stop": False}

    def on_term(signum, frame):
        flags["stop"] = True

    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda signum, frame: None)
    signal.signal(signal.SIGTERM, on_term)
    poller = select.poll()
    poller.register(cfg["lifeline_fd"], select.POLLIN)
    poller.register(wake_r, select.POLLIN)
    while True:
        reap(target, state)
        if state.get("status") is not None or flags["stop"]:
            break
        for fd, _ in poller.poll():
            if fd == wake_r:
                os.read(wake_r, 4096)
            else:  # lifeline EOF: the client is gone or closing
                flags["stop"] = True
    killed_by_us = state.get("status") is None
    uid, gid = cfg.get("uid"), cfg.get("gid")
    for _ in range(400):
        with contextlib.suppress(OSError):
            kill_all(uid, gid)
        if not reap(target, state):
            break
        time.sleep(0.005)
    status = state.get("status")
    report = {"event": "exit", "stopped": killed_by_us}
    if status is not None:
        if os.WIFSIGNALED(status):
            report["signal"] = os.WTERMSIG(status)
        else:
            report["code"] = os.WEXITSTATUS(status)
        report["cpu_seconds"] = round(state["cpu"], 3)
        report["maxrss_kib"] = state["maxrss_kib"]
    if uid is not None:
        report["leftover"] = len(processes_of_uid(uid))
    write_status(cfg["status_fd"], report)


def main(argv):
    sep = argv.index("--")
    cfg = json.loads(argv[1])
    target_argv = argv[sep + 1 :]
    launcher_pid = os.getpid()
    prctl(PR_SET_CHILD_SUBREAPER, 1)
    pid = os.fork()
    if pid == 0:
        os.close(cfg["lifeline_fd"])
        for sig in (signal.SIGPIPE, signal.SIGXFSZ, signal.SIGTERM, signal.SIGCHLD):
            signal.signal(sig, signal.SIG_DFL)
        run_child(cfg, target_argv, launcher_pid)
    for fd in cfg["target_fds"]:
        os.close(fd)
    supervise(cfg, pid)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
