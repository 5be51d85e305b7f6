"""What one key (j, next page) costs the reader: lines rendered, layouts, wall time.

    NEWSREAD_CACHE_DIR=/tmp/keys-cache python -m bench keys FOLDER [--keys 40] [--busy-keys 40]

Prints one JSON object. Wall time depends on the machine's load; the counts do not, so
they say whether a change made a key cheaper even on a busy shared machine:

- ``lines``: screen lines Textual rendered again (its styles cache missed: border, padding and
  content), per widget class, from the key being posted until the first frame showing the page;
  ``content_lines``: of those, the widgets' own ``render_line`` calls (PageList, DocumentView);
- ``layouts``: full reflows of the screen (every widget placed again); ``scroll_reflows``: the cheaper
  reflow after a scroll; ``full_frames``: frames that redrew the whole screen; ``frames``: frames sent;
- ``after``: the same counts for the 20 ms pause after the frame (what the key set off later, and the
  background polls), so work moved out of the key's frame is still seen;
- ``p50_ms`` / ``p95_ms``: wall time from the key to the frame (as `bench reader-probe` measures it);
- ``thread_cpu_s``: CPU seconds each thread of the reader's process used over the phase (the UI thread
  is ``MainThread``; the others compete with it for the interpreter lock).

``busy``: keys while background cleaning runs (a cold cache: use a new NEWSREAD_CACHE_DIR);
``idle``: keys after every page is cleaned. The instrumentation lives here, not in the reader.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import pstats
import statistics
import sys
import time
from collections import Counter
from typing import Any

import newsread.tui  # noqa: F401  (before Textual: sets the reader's frame rate, as `newsread` does)
from bench.reader_probe import state_file, watch_pages

# Textual's own frames between a refresh and the code that asked for it (the caller shown is the first other one).
PLUMBING = {
    "refresh", "update", "_set_state", "_check_watchers", "_set", "__set__", "invoke_watcher",
    "_refresh_scrollbars", "counted_refresh",
}  # fmt: skip


class Counts:
    """Counters patched into Textual's compositor and styles cache for the duration of the probe."""

    def __init__(self) -> None:
        self.lines: Counter[str] = Counter()
        self.content: Counter[str] = Counter()
        self.events: Counter[str] = Counter()
        self.layout_callers: Counter[str] = Counter()
        self.refresh_callers: Counter[str] = Counter()  # whole-widget refreshes, by widget and caller

    def reset(self) -> dict[str, Any]:
        out = {
            "lines": dict(self.lines),
            "content_lines": dict(self.content),
            **dict(self.events),
            "layout_requests": {k: v for k, v in self.layout_callers.items() if v},
            "refreshes": dict(self.refresh_callers),
        }
        self.refresh_callers.clear()
        self.lines.clear()
        self.content.clear()
        self.events.clear()
        self.layout_callers.clear()
        return out

    def install(self) -> None:
        from textual import _compositor, _styles_cache, screen, widget

        counts = self
        render_line = _styles_cache.StylesCache.render_line

        def counted_render_line(self: Any, styles: Any, y: int, *args: Any, **kwargs: Any) -> Any:
            owner = getattr(args[5], "__self__", None)  # render_content_line, bound to the widget
            name = type(owner).__name__
            if name == "ScrollBar":  # whose: the list's or the reader's
                name = f"ScrollBar of {type(getattr(owner, 'parent', None)).__name__}"
            counts.lines[name] += 1
            return render_line(self, styles, y, *args, **kwargs)

        _styles_cache.StylesCache.render_line = counted_render_line  # type: ignore[method-assign]

        refresh_layout = screen.Screen._refresh_layout

        def counted_refresh_layout(self: Any, size: Any = None, scroll: bool = False) -> None:
            full = not (scroll and not self._layout_widgets)
            counts.events["layouts" if full else "scroll_reflows"] += 1
            refresh_layout(self, size, scroll)

        screen.Screen._refresh_layout = counted_refresh_layout  # type: ignore[method-assign]

        full_update = _compositor.Compositor.render_full_update
        partial_update = _compositor.Compositor.render_partial_update

        def counted_full(self: Any, simplify: bool = False) -> Any:
            counts.events["full_frames"] += 1
            return full_update(self, simplify)

        def counted_partial(self: Any) -> Any:
            counts.events["partial_frames"] += 1
            return partial_update(self)

        _compositor.Compositor.render_full_update = counted_full  # type: ignore[method-assign]
        _compositor.Compositor.render_partial_update = counted_partial  # type: ignore[method-assign]

        refresh = widget.Widget.refresh

        def counted_refresh(self: Any, *regions: Any, repaint: bool = True, layout: bool = False, **kw: Any) -> Any:
            if layout or not regions:
                frame = sys._getframe(1)
                while frame.f_code.co_name in PLUMBING and frame.f_back is not None:
                    frame = frame.f_back
                where = f"{type(self).__name__} <- {frame.f_code.co_name}"
                counts.layout_callers[where] += layout
                counts.refresh_callers[where] += 1
            return refresh(self, *regions, repaint=repaint, layout=layout, **kw)

        widget.Widget.refresh = counted_refresh  # type: ignore[method-assign]

    def count_content(self, cls: type, method: str = "render_line", label: str = "") -> None:
        counts = self
        original = getattr(cls, method, None)
        if original is None:
            return  # an older reader without it (A/B runs against an earlier commit)
        name = label or cls.__name__

        def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
            counts.content[name] += 1
            return original(self, *args, **kwargs)

        setattr(cls, method, counted)


def thread_cpu() -> dict[str, float]:
    """CPU seconds each live thread of this process has used, by thread name (numbers stripped)."""
    import re
    import threading

    out: Counter[str] = Counter()
    for thread in threading.enumerate():
        if thread.ident is None:
            continue
        try:
            used = time.clock_gettime(time.pthread_getcpuclockid(thread.ident))
        except (OSError, ValueError):
            continue
        out[re.sub(r"[-_ ]?\d+", "", thread.name)] += used
    return dict(out)


def cpu_between(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {k: round(v - before.get(k, 0.0), 2) for k, v in after.items() if v - before.get(k, 0.0) >= 0.005}


def time_library_calls() -> Counter[str]:
    """CPU seconds the reader's process spends in the library's heavier calls, by call and thread kind."""
    import threading

    from newsread.tui.library import Library
    from newsread.tui.triage_session import TriageSession

    spent: Counter[str] = Counter()
    for name in ("prefetch", "clean", "story_versions", "_record"):
        original = getattr(Library, name)

        def timed(self: Any, *args: Any, _original: Any = original, _name: str = name, **kwargs: Any) -> Any:
            start = time.thread_time()
            try:
                return _original(self, *args, **kwargs)
            finally:
                where = "main" if threading.current_thread() is threading.main_thread() else "thread"
                spent[f"{_name} ({where})"] += time.thread_time() - start

        setattr(Library, name, timed)
    original_flush = TriageSession.flush_infos

    def timed_flush(self: Any, *args: Any, **kwargs: Any) -> Any:
        start = time.thread_time()
        try:
            return original_flush(self, *args, **kwargs)
        finally:
            took = time.thread_time() - start
            where = "main" if threading.current_thread() is threading.main_thread() else "thread"
            spent[f"triage.flush_infos ({where})"] += took
            spent["longest flush_infos"] = max(spent["longest flush_infos"], took)

    TriageSession.flush_infos = timed_flush  # type: ignore[method-assign]
    return spent


def quantile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)


def summarise(keys: list[dict[str, Any]]) -> dict[str, Any]:
    if not keys:
        return {"keys": 0}
    ms = [k["ms"] for k in keys]

    def med(path: str, sub: str | None = None) -> float:
        vals = []
        for k in keys:
            v = k[path]
            if sub is None:
                vals.append(sum(v.values()) if isinstance(v, dict) else v)
            else:
                vals.append(v.get(sub, 0) if isinstance(v, dict) else 0)
        return round(statistics.mean(vals), 1)

    widgets = sorted({w for k in keys for w in k["in_key"]["lines"]})
    in_key = [k["in_key"] for k in keys]
    after = [k["after"] for k in keys]

    def mean(rows: list[dict[str, Any]], name: str, sub: str | None = None) -> float:
        vals = []
        for r in rows:
            v = r.get(name, 0)
            if isinstance(v, dict):
                v = sum(v.values()) if sub is None else v.get(sub, 0)
            vals.append(v)
        return round(statistics.mean(vals), 1)

    callers: Counter[str] = Counter()
    refreshes: Counter[str] = Counter()
    for r in in_key + after:
        callers.update(r.get("layout_requests", {}))
        refreshes.update(r.get("refreshes", {}))
    del med
    return {
        "keys": len(keys),
        "p50_ms": quantile(ms, 0.5),
        "p95_ms": quantile(ms, 0.95),
        "max_ms": round(max(ms), 1),
        "lines_per_key": mean(in_key, "lines"),
        "lines_by_widget": {w: mean(in_key, "lines", w) for w in widgets},
        "content_lines_per_key": mean(in_key, "content_lines"),
        "content_by_kind": {
            w: mean(in_key, "content_lines", w) for w in sorted({w for r in in_key for w in r["content_lines"]})
        },
        "layouts_per_key": mean(in_key, "layouts"),
        "scroll_reflows_per_key": mean(in_key, "scroll_reflows"),
        "full_frames_per_key": mean(in_key, "full_frames"),
        "frames_per_key": round(mean(in_key, "full_frames") + mean(in_key, "partial_frames"), 1),
        "after": {
            "lines": mean(after, "lines"),
            "layouts": mean(after, "layouts"),
            "full_frames": mean(after, "full_frames"),
        },
        "layout_requests": dict(callers.most_common(8)),
        "whole_widget_refreshes": dict(refreshes.most_common(12)),
    }


async def probe(folder: str, keys: int, busy_keys: int, profile: str | None = None) -> dict[str, Any]:
    from textual import events

    from newsread.cleaners import Pipeline
    from newsread.tui.app import NewsreadApp
    from newsread.tui.widgets import DocumentView, PageList, ReadingPane

    counts = Counts()
    counts.install()
    counts.count_content(PageList)
    counts.count_content(DocumentView)
    # Lines drawn anew (not taken from the widgets' own caches of drawn lines).
    counts.count_content(PageList, "row_text", "PageList rows built")
    counts.count_content(DocumentView, "_render_visual_line", "DocumentView lines built")
    counts.count_content(ReadingPane, "take_ahead", "pages built ahead (in a thread)")
    from newsread.tui.widgets import document_view

    wrap = getattr(document_view, "wrap_document", None)  # (an earlier reader wrapped inside _layout)

    def counted_wrap(*args: Any, **kwargs: Any) -> Any:
        counts.content["pages wrapped on the UI thread"] += 1
        return wrap(*args, **kwargs)  # type: ignore[misc]

    if wrap is not None:
        document_view.wrap_document = counted_wrap
    library_cpu = time_library_calls()
    out: dict[str, Any] = {"load_before": os.getloadavg()}
    app = NewsreadApp([folder], Pipeline.default(), state_file())
    library = app.library
    async with app.run_test(size=(120, 40)):
        frames, shown = watch_pages(app)

        profiler: cProfile.Profile | None = None

        async def step() -> dict[str, Any]:
            want = library.sources[app.page_list.cursor + 1].id
            shown.pop(want, None)
            counts.reset()
            if profiler is not None:
                profiler.enable()
            start = time.perf_counter()
            app.post_message(events.Key("j", "j"))
            while want not in shown or not frames or frames[-1] < shown[want]:
                await asyncio.sleep(0.0005)
            took = (next(f for f in frames if f >= shown[want]) - start) * 1000
            if profiler is not None:
                profiler.disable()
            in_key = counts.reset()
            await asyncio.sleep(0.02)  # a person does not press keys back to back
            return {"ms": took, "in_key": in_key, "after": counts.reset()}

        while not len(library) or app.reader.cleaned is None:
            await asyncio.sleep(0.002)
        await step()  # the first key builds caches; not counted
        profiler = cProfile.Profile() if profile == "busy" else None
        busy = []
        cpu0, t0 = thread_cpu(), time.perf_counter()
        while len(busy) < busy_keys and not library.complete:
            busy.append(await step())
        busy_cpu = {"wall_s": round(time.perf_counter() - t0, 2), **cpu_between(cpu0, thread_cpu())}
        busy_library = {k: round(v, 2) for k, v in library_cpu.items()}
        library_cpu.clear()
        while not library.complete or library.clusters_generation != library.generation:
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.5)
        if profile is not None:
            if profiler is not None:
                pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(45)
            profiler = cProfile.Profile() if profile == "idle" else None
        cpu0, t0 = thread_cpu(), time.perf_counter()
        idle = [await step() for _ in range(keys)]
        idle_cpu = {"wall_s": round(time.perf_counter() - t0, 2), **cpu_between(cpu0, thread_cpu())}
        idle_library = {k: round(v, 2) for k, v in library_cpu.items()}
        if profiler is not None and profile == "idle":
            pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(45)
        out["pages"] = len(library)
        out["busy"] = {**summarise(busy), "thread_cpu_s": busy_cpu, "library_cpu_s": busy_library}
        out["idle"] = {**summarise(idle), "thread_cpu_s": idle_cpu, "library_cpu_s": idle_library}
        library.close()
    out["load_after"] = os.getloadavg()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m bench keys", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("folder")
    ap.add_argument("--keys", type=int, default=40, help="keys after every page is cleaned")
    ap.add_argument("--busy-keys", type=int, default=40, help="keys while cleaning runs (at most)")
    ap.add_argument("--profile", choices=("busy", "idle"), help="cProfile the keys of that phase (to stderr)")
    args = ap.parse_args(argv)
    result = asyncio.run(probe(args.folder, args.keys, args.busy_keys, args.profile))
    json.dump(result, sys.stdout, indent=1)
    print()
    return 0
