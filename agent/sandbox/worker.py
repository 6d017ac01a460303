"""Sandbox worker: loads one candidate bootcamp module and serves RPC requests. Stdlib only.

Runs inside the sandbox (started by launcher.py as `python -s -S -B worker.py <json-config>`, from
a read-only copy next to a stdlib-only copy of `generated_bootcamps`). It imports the candidate
file, finds its single `Bootcamp` subclass and answers requests on two dedicated pipe fds; the
candidate's own stdout/stderr (fds 1 and 2) go to a capped file and never touch the channel.

Wire format: newline-delimited JSON (Python's json with NaN/Infinity tokens allowed both ways).
First line from the worker: {"ready": true, "class_name": ...} or {"ready": false, "error": {...}}.
Each request ({"op": ..., "timeout": per-item seconds, ...}) is answered by item lines
{"i": k, "ok": true, "value": v, "seconds": t} / {"i": k, "ok": false, "error": {...}, ...}
then {"end": n, "cpu": CPU seconds the worker has used so far}; a finished item is written
before the next one starts. Each item gets a soft wall-clock limit (SIGALRM raising CallTimeout,
a BaseException the candidate's `except Exception` cannot swallow); the client enforces the hard
one. A candidate exception never kills the worker.
"""

import contextlib
import errno
import importlib.machinery
import importlib.util
import json
import math
import os
import signal
import sys
import time
import traceback

from generated_bootcamps.contract import CLASSMETHODS, MEMBERS, OPTIONAL_METHODS

MAX_ITEM_BYTES = 16 << 20
SWEEP_SECONDS = 2.0  # at most this long killing and reaping strays after a request
PID = os.getpid()

# The worker is single-threaded, so its thread's CPU clock is the candidate's cost. Not the
# process clock: under the sandbox's CPU rlimit, CLOCK_PROCESS_CPUTIME_ID is only brought up to
# date at scheduler ticks, 4 ms apart here (measured), which read most fast calls as 0 and
# quantized the speed check's percentiles (tests/sandbox: ...cpu_time_finely_measured).
cpu_seconds = time.thread_time


class CallTimeout(BaseException):
    """Raised inside candidate code when its wall-clock budget is spent."""


class StepCap(BaseException):
    """Raised inside candidate code when an effort count reaches its cap."""


_armed = False


def _on_alarm(signum, frame):
    if _armed:
        raise CallTimeout


def _arm(seconds):
    global _armed
    _armed = True
    signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.001))


def _disarm():
    global _armed
    _armed = False
    signal.setitimer(signal.ITIMER_REAL, 0)


class Channel:
    """Line-oriented JSON over two raw pipe fds.

    `send` queues a line and `flush` writes the queue. The worker flushes before it starts each
    item, so when an item hangs for good the client already holds every finished item, and the
    last item travels in the same write as the end line (one wake-up for a one-item request).
    """

    def __init__(self, rfd, wfd):
        self.rfd, self.wfd = rfd, wfd
        self.buf = bytearray()
        self.out = []

    def recv(self):
        while True:
            end = self.buf.find(b"\n")
            if end >= 0:
                line = bytes(self.buf[:end])
                del self.buf[: end + 1]
                return json.loads(line)
            data = os.read(self.rfd, 1 << 20)
            if not data:
                return None
            self.buf += data

    def send(self, line):
        self.out.append(line)

    def flush(self):
        if not self.out:
            return
        view = memoryview(("\n".join(self.out) + "\n").encode())
        self.out = []
        while view:
            view = view[os.write(self.wfd, view) :]


class Worker:
    def __init__(self, cfg):
        self.cfg = cfg
        self.fsize = cfg.get("fsize") or 0
        self.flooded = False
        self.cls = None
        self.base = None
        self.module = None

    # -- candidate loading -----------------------------------------------------------------------

    def load(self):
        from generated_bootcamps.base import Bootcamp

        self.base = Bootcamp
        path = self.cfg["module"]
        name = os.path.splitext(os.path.basename(path))[0]
        if not name.isidentifier() or name in sys.modules or name in sys.stdlib_module_names:
            name = "candidate_module"  # never shadow json, random... or our own modules
        loader = importlib.machinery.SourceFileLoader(name, path)
        spec = importlib.util.spec_from_file_location(name, path, loader=loader)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        _arm(self.cfg["import_timeout"])
        try:
            spec.loader.exec_module(module)
        finally:
            _disarm()
        found = [
            obj
            for obj in list(vars(module).values())
            if isinstance(obj, type)
            and issubclass(obj, Bootcamp)
            and obj is not Bootcamp
            and obj.__module__ == name
        ]
        if len(found) != 1:
            names = ", ".join(sorted(c.__name__ for c in found)) or "none"
            raise LookupError(
                f"expected exactly one Bootcamp subclass in the module, found {names}"
            )
        self.cls = found[0]
        self.module = module

    # -- results ---------------------------------------------------------------------------------

    def error_info(self, exc):
        kind = type(exc).__name__
        try:
            message = str(exc)
        except BaseException:
            message = "<unprintable exception>"
        if isinstance(exc, OSError) and exc.errno == errno.EFBIG and self.output_full():
            kind = "OutputFlood"
            message = f"output flood: stdout/stderr exceeded {self.fsize // (1 << 20)} MiB"
            self.silence_output()
        elif isinstance(exc, CallTimeout):
            kind = "CallTimeout"
        try:
            frames = traceback.extract_tb(exc.__traceback__)
            frames = [f for f in frames if f.filename != __file__][-4:]
            tb = "".join(traceback.format_list(frames))[-2000:]
        except BaseException:
            tb = ""
        return {"type": kind, "message": message[:2000], "traceback": tb}

    def output_full(self):
        try:
            return self.fsize > 0 and os.fstat(1).st_size >= self.fsize - 65536
        except OSError:
            return False

    def silence_output(self):
        """After a flood, send fds 1 and 2 to /dev/null so later prints cannot fail again."""
        if self.flooded:
            return
        self.flooded = True
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        os.close(null)

    def run_item(self, index, thunk, timeout, what):
        """Run one candidate call under the soft (wall-clock) timeout; the encoded item line.
        An item's "seconds" is the CPU time the call used: what the candidate costs, whatever
        else the machine is doing (hangs and sleeps are the timeouts' business)."""
        t0 = cpu_seconds()
        try:
            _arm(timeout)
            try:
                try:
                    value = thunk()
                finally:
                    if os.getpid() != PID:  # a fork of the candidate must not act as the worker
                        os._exit(0)
                seconds = cpu_seconds() - t0
                line = self.encode_ok(index, value, seconds, what)
            except CallTimeout:
                _disarm()
                seconds = cpu_seconds() - t0
                error = {
                    "type": "CallTimeout",
                    "message": f"call exceeded its {timeout:g} s wall-clock budget",
                    "traceback": "",
                }
                line = self.encode_error(index, error, seconds)
            except BaseException as exc:
                _disarm()
                line = self.encode_error(index, self.error_info(exc), cpu_seconds() - t0)
        except CallTimeout:  # the alarm fired while formatting a result
            error = {"type": "CallTimeout", "message": "timed out", "traceback": ""}
            line = self.encode_error(index, error, cpu_seconds() - t0)
        finally:
            _disarm()
        return line

    def encode_ok(self, index, value, seconds, what):
        try:
            text = json.dumps(value, allow_nan=True)
        except (TypeError, ValueError, RecursionError) as exc:
            raise NotSerializable(f"{what} is not JSON-serializable: {exc}") from None
        if len(text) > MAX_ITEM_BYTES:
            raise NotSerializable(f"{what} is too large: {len(text)} bytes of JSON")
        head = f'{{"i": {index}, "ok": true, "seconds": {seconds!r}'
        if what == "case":
            try:
                lossless = same(value, json.loads(text))
            except RecursionError:
                lossless = False
            head += f', "lossless": {"true" if lossless else "false"}'
        return f'{head}, "value": {text}}}'

    def encode_error(self, index, error, seconds):
        return json.dumps({"i": index, "ok": False, "seconds": seconds, "error": error})

    # -- operations ------------------------------------------------------------------------------

    def describe(self):
        cls, base = self.cls, self.base

        def defined(name):
            for klass in cls.__mro__:
                if klass is base:
                    return False
                if name in vars(klass):
                    return True
            return False

        info = {"class_name": cls.__name__, "problems": {}}
        for field in ("name", "description", "domain", "defaults", "difficulties"):
            try:
                value = getattr(cls, field)
                json.dumps(value, allow_nan=True)
                info[field] = value
            except BaseException as exc:
                info[field] = None
                info["problems"][field] = f"{type(exc).__name__}: {exc}"[:500]
        try:
            kind = getattr(cls, "answer_kind", None)
            text = repr(kind)
            if kind is not None and text.startswith("<"):  # default repr: the class says enough
                text = type(kind).__qualname__
            info["answer_kind"] = None if kind is None else text[:300]
        except BaseException as exc:
            info["answer_kind"] = None
            info["problems"]["answer_kind"] = f"{type(exc).__name__}: {exc}"[:500]
        info["members"] = {name: defined(name) for name in MEMBERS}
        base_methods = [
            name
            for name, value in vars(base).items()
            if callable(value) or isinstance(value, classmethod | staticmethod)
        ]
        info["overrides"] = sorted(
            name
            for name in base_methods
            if (name == "__init__" or not name.startswith("__")) and defined(name)
        )
        info["optional"] = {name: callable(getattr(cls, name, None)) for name in OPTIONAL_METHODS}
        try:
            info["docstring"] = (cls.__doc__ or "")[:2000]
        except BaseException:
            info["docstring"] = ""
        return info

    def mutator(self, case):
        """The first of prompt, solve, format_answer, score that mutates `case`, or None."""
        cls = self.cls
        before = json.dumps(case, sort_keys=True)
        steps = (
            ("prompt", lambda: cls.prompt(case)),
            ("solve", lambda: cls.solve(case)),
            ("check", lambda: cls.check(case, cls.solve(case))),
            ("score", lambda: cls.score(cls.format_answer(cls.solve(case)), case)),
        )
        for name, step in steps:
            step()
            if json.dumps(case, sort_keys=True) != before:
                return name
        return None

    def steps(self, fn, case, cap):
        """Lines of the candidate's own file that `fn(case)` runs (at most `cap`), after clearing
        the module's functools caches, so a case costs what it costs on its own."""
        for owner in (self.module, self.cls):
            for value in list(vars(owner).values()):
                for target in (value, getattr(value, "__func__", None)):
                    clear = getattr(target, "cache_clear", None)
                    if callable(clear):
                        clear()
        filename = self.module.__file__
        count = 0

        def local(frame, event, arg):
            nonlocal count
            if event == "line":
                count += 1
                if count >= cap:
                    raise StepCap
            return local

        sys.settrace(
            lambda frame, event, arg: local if frame.f_code.co_filename == filename else None
        )
        try:
            fn(case)
        except StepCap:
            pass
        finally:
            sys.settrace(None)
        return count

    def run_batch(self, chan, thunks, timeout, what, annotate=None):
        """Run thunks as items, in order; stop after the first that times out or floods its
        output (a candidate that does it once will do it again: the rest would only cost a
        timeout or a flood each). `annotate` may add to each item's line. Returns the count of
        items sent."""
        sent = 0
        for index, thunk in enumerate(thunks):
            chan.flush()
            line = self.run_item(index, thunk, timeout, what)
            if annotate is not None:
                line = annotate(line)
            chan.send(line)
            sent += 1
            if '"ok": false' in line and ('"CallTimeout"' in line or '"OutputFlood"' in line):
                break
        return sent

    def handle(self, req, chan):
        op = req.get("op")
        timeout = float(req.get("timeout") or 10.0)
        cls = self.cls
        count = 0
        if op == "describe":
            chan.send(self.run_item(0, self.describe, timeout, "description"))
            count = 1
        elif op == "instantiate":

            def make():
                inst = cls(seed=req.get("seed"), difficulty=req.get("difficulty"), **req["params"])
                return {"params": inst.params}

            chan.send(self.run_item(0, make, timeout, "instance params"))
            count = 1
        elif op == "generate":
            holder = []

            def make():
                holder.append(
                    cls(seed=req.get("seed"), difficulty=req.get("difficulty"), **req["params"])
                )

            line = self.run_item(0, make, timeout, "instance")
            if not holder:
                item = json.loads(line)
                item["error"]["stage"] = "instantiate"
                chan.send(json.dumps(item))
                count = 1
            else:
                inst = holder[0]
                thunks = [inst.generate] * req["count"]
                count = self.run_batch(chan, thunks, timeout, "case")
        elif op == "generate_seeds":  # one case per seed, each from a fresh instance
            params = req["params"]

            def one(seed):
                return cls(seed=seed, difficulty=req.get("difficulty"), **params).generate()

            thunks = [lambda s=seed: one(s) for seed in req["seeds"]]
            count = self.run_batch(chan, thunks, timeout, "case")
        elif op == "purity":  # which classmethod, if any, changes the case it is given
            thunks = [lambda c=case: self.mutator(c) for case in req["cases"]]
            count = self.run_batch(chan, thunks, timeout, "result")
        elif op == "effort":  # the steps each call of a classmethod takes on a case
            fn = getattr(cls, req["method"])
            cap = int(req["cap"])
            thunks = [lambda c=case: self.steps(fn, c, cap) for case in req["cases"]]
            count = self.run_batch(chan, thunks, timeout, "steps")
        elif op == "map":
            method = req["method"]
            if method not in CLASSMETHODS:
                raise ValueError(f"unknown method {method!r}")
            fn = getattr(cls, method, None)
            if fn is None:

                def fn(*args):
                    raise AttributeError(f"{cls.__name__} has no {method}")

            what = f"{method}() result"
            record = req.get("record")  # the position of the argument whose reads to record
            if record is None:
                thunks = [lambda a=args: fn(*a) for args in req["args"]]
                count = self.run_batch(chan, thunks, timeout, what)
            else:
                recorders = []

                def recorded(args):
                    recorder = ReadRecorder()
                    recorders.append(recorder)
                    args = list(args)
                    args[record] = recorder.wrap(args[record])
                    try:
                        return _plain(fn(*args))
                    finally:
                        recorder.active = False

                def annotate(line):
                    item = json.loads(line)
                    item["reads"] = recorders[-1].fields() if recorders else []
                    return json.dumps(item, allow_nan=True)

                thunks = [lambda a=args: recorded(a) for args in req["args"]]
                count = self.run_batch(chan, thunks, timeout, what, annotate)
        else:
            raise ValueError(f"unknown op {op!r}")
        return count

    def sweep(self):
        """Kill stray processes the candidate started (dedicated uid only), flush its output."""
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except BaseException:
                if self.output_full():
                    self.silence_output()
        uid = self.cfg.get("dedicated_uid")
        if not uid or os.getuid() != uid:  # never kill(-1) under a shared uid
            return
        # kill(-1) signals every other process of this uid (and succeeds even when there is
        # none). A killed process lingers until it is reaped (ours here, orphans by the
        # launcher): repeat until /proc shows none, so the next request starts with no strays.
        deadline = time.monotonic() + SWEEP_SECONDS
        while True:
            with contextlib.suppress(OSError):
                os.kill(-1, signal.SIGKILL)
            while True:  # reap our own children
                try:
                    if os.waitpid(-1, os.WNOHANG)[0] == 0:
                        break
                except ChildProcessError:
                    break
            if not _other_processes(uid) or time.monotonic() > deadline:
                return
            time.sleep(0.001)


def _other_processes(uid):
    """Whether /proc lists a process of `uid` besides this one (its entry is owned by the uid)."""
    for name in os.listdir("/proc"):
        if name.isdigit() and int(name) != PID:
            try:
                if os.stat(f"/proc/{name}").st_uid == uid:
                    return True
            except OSError:
                continue
    return False


class ReadRecorder:
    """Records which fields of a case a call reads (the `record` option of the "map" op).

    The case is rebuilt from `RecordingDict` and `RecordingList`, subclasses of dict and list (so
    isinstance and the candidate's own code still work) whose accessors note the path of every
    value they hand out, list positions as None: `("items", None, "weight")`. Handing out a list
    notes the list; reading its items notes `(..., None)`; what reads a whole value at once
    (equality, repr, copies) notes every path below it. Leaves (numbers, strings) are the
    candidate's own values. A caller must treat a call whose result differs from the plain call's
    as unrecorded (code that tests `type(x) is dict`)."""

    def __init__(self):
        self.paths = set()
        self.active = True

    def note(self, path):
        if self.active:
            self.paths.add(path)

    def note_all(self, value, path):
        if not self.active:
            return
        self.paths.add(path)
        if isinstance(value, dict):
            for key, item in dict.items(value):
                self.note_all(item, (*path, key))
        elif isinstance(value, list):
            for item in list.__iter__(value):
                self.note_all(item, (*path, None))

    def wrap(self, value, path=()):
        if isinstance(value, dict):
            return RecordingDict(
                self, path, {key: self.wrap(item, (*path, key)) for key, item in value.items()}
            )
        if isinstance(value, list):
            return RecordingList(self, path, [self.wrap(item, (*path, None)) for item in value])
        return value

    def fields(self):
        """The recorded paths, each as a JSON list (None for a list position)."""
        return sorted((list(path) for path in self.paths), key=repr)


def _plain(value):
    """A deep copy of a recorded value as plain dicts and lists."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in dict.items(value)}
    if isinstance(value, list):
        return [_plain(item) for item in list.__iter__(value)]
    return value


class RecordingDict(dict):
    """A dict that notes every value it hands out (see ReadRecorder)."""

    def __init__(self, recorder, path, items):
        dict.__init__(self, items)
        self._recorder, self._path = recorder, path

    def _note(self, key):
        self._recorder.note((*self._path, key))

    def _note_all(self):
        self._recorder.note_all(self, self._path)

    def __getitem__(self, key):
        value = dict.__getitem__(self, key)
        self._note(key)
        return value

    def get(self, key, default=None):
        if dict.__contains__(self, key):
            self._note(key)
        return dict.get(self, key, default)

    def setdefault(self, key, default=None):
        self._note(key)
        return dict.setdefault(self, key, default)

    def pop(self, key, *default):
        self._note(key)
        return dict.pop(self, key, *default)

    def popitem(self):
        key, value = dict.popitem(self)
        self._note(key)
        return key, value

    def __iter__(self):  # keys only; overriding it also sends C code (`**case`) through getitem
        return dict.__iter__(self)

    def items(self):
        for key in dict.__iter__(self):
            self._note(key)
        return dict.items(self)

    def values(self):
        for key in dict.__iter__(self):
            self._note(key)
        return dict.values(self)

    def copy(self):
        self._note_all()
        return _plain(self)

    def __copy__(self):
        return self.copy()

    def __deepcopy__(self, memo):
        return self.copy()

    def __reduce_ex__(self, protocol):
        return (dict, (self.copy(),))

    def __repr__(self):
        self._note_all()
        return repr(_plain(self))

    __str__ = __repr__

    def __eq__(self, other):
        self._note_all()
        return dict.__eq__(self, other)

    def __ne__(self, other):
        self._note_all()
        return dict.__ne__(self, other)

    def __or__(self, other):
        self._note_all()
        return dict.__or__(_plain(self), other)

    __hash__ = None


class RecordingList(list):
    """A list that notes reads of its items (see ReadRecorder)."""

    def __init__(self, recorder, path, items):
        list.__init__(self, items)
        self._recorder, self._path = recorder, path

    def _note_items(self):
        if list.__len__(self):
            self._recorder.note((*self._path, None))

    def _note_all(self):
        self._recorder.note_all(self, self._path)

    def __getitem__(self, index):
        self._note_items()
        return list.__getitem__(self, index)

    def __iter__(self):
        self._note_items()
        return list.__iter__(self)

    def __reversed__(self):
        self._note_items()
        return list.__reversed__(self)

    def __contains__(self, value):
        self._note_items()
        return list.__contains__(self, value)

    def index(self, *args):
        self._note_items()
        return list.index(self, *args)

    def count(self, value):
        self._note_items()
        return list.count(self, value)

    def pop(self, *args):
        self._note_items()
        return list.pop(self, *args)

    def copy(self):
        self._note_all()
        return _plain(self)

    def __copy__(self):
        return self.copy()

    def __deepcopy__(self, memo):
        return self.copy()

    def __reduce_ex__(self, protocol):
        return (list, (self.copy(),))

    def __repr__(self):
        self._note_all()
        return repr(_plain(self))

    __str__ = __repr__

    def __add__(self, other):
        self._note_all()
        return list.__add__(_plain(self), other)

    def __radd__(self, other):
        self._note_all()
        return list(other) + _plain(self)

    def __mul__(self, count):
        self._note_all()
        return list.__mul__(_plain(self), count)

    __rmul__ = __mul__

    def sort(self, *args, **kwargs):
        self._note_all()
        return list.sort(self, *args, **kwargs)

    def reverse(self):
        self._note_items()
        return list.reverse(self)


def _compare(name):
    def compare(self, other):
        self._note_all()
        return getattr(list, name)(self, other)

    compare.__name__ = name
    return compare


for _name in ("__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__"):
    setattr(RecordingList, _name, _compare(_name))
RecordingList.__hash__ = None


class NotSerializable(Exception):
    pass


def same(a, b):
    """Strict equality after a JSON round trip: types must match exactly, NaN equals NaN."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def main():
    cfg = json.loads(sys.argv[1])
    sys.path.insert(0, cfg["lib"])
    if cfg.get("packages"):  # the third-party packages the candidate requires, and only those
        sys.path.append(cfg["packages"])
    signal.signal(signal.SIGALRM, _on_alarm)
    chan = Channel(cfg["in_fd"], cfg["out_fd"])
    worker = Worker(cfg)
    try:
        try:
            worker.load()
        finally:
            if os.getpid() != PID:  # a fork made at import time must not act as the worker
                os._exit(0)
    except BaseException as exc:
        _disarm()
        error = worker.error_info(exc)
        if isinstance(exc, CallTimeout):
            error["message"] = f"module import exceeded {cfg['import_timeout']:g} s"
        chan.send(json.dumps({"ready": False, "error": error}))
        chan.flush()
        return 0
    chan.send(json.dumps({"ready": True, "class_name": worker.cls.__name__}))
    chan.flush()
    while True:
        req = chan.recv()
        if req is None:
            return 0
        try:
            signal.signal(signal.SIGALRM, _on_alarm)  # the candidate may have replaced it
            count = worker.handle(req, chan)
            worker.sweep()
            chan.send(json.dumps({"end": count, "cpu": round(sum(os.times()[:2]), 3)}))
        except BaseException as exc:
            chan.send(json.dumps({"end": -1, "fatal": f"{type(exc).__name__}: {exc}"[:2000]}))
        chan.flush()


if __name__ == "__main__":
    sys.exit(main())
