"""Where a page request's time goes: each page of bench/inprocess.py under
cProfile, in one process against the benchmark database, split into the
phases of a request (the cumulative time of the function that does each).

    python bench/profile_pages.py [--requests 30] [--page queue] [--top 25]

Run it with the environment bench/run.py gives its scripts (bench/common.py:
bench_env), against a database that bench/dataset.py has filled. The phases
overlap where one calls the other: queries run inside the view and inside
template rendering, so "queries" is also part of "view" and "templates".
"""

from __future__ import annotations

import argparse
import cProfile
import pstats

from common import django_setup
from inprocess import bench_pages

# phase: (module path fragment, function name) whose cumulative time is the phase
PHASES = {
    "whole request": ("django/test/client.py", "request"),
    "session load": ("django/contrib/sessions/backends/base.py", "_get_session"),
    "user load": ("django/contrib/auth/__init__.py", "get_user"),
    "SQL (incl. driver)": ("django/db/backends/utils.py", "_execute_with_wrappers"),
    "templates": ("django/template/base.py", "render"),
    "view (incl. its queries and templates)": ("django/core/handlers/base.py", "_get_response"),
}


def phase_times(stats: pstats.Stats) -> dict[str, float]:
    found = dict.fromkeys(PHASES, 0.0)
    for (path, _line, name), (_cc, _nc, _tt, cumulative, _callers) in stats.stats.items():
        for phase, (fragment, function) in PHASES.items():
            if name == function and path.endswith(fragment):
                # Template.render is re-entered by {% include %}: only the
                # outermost call is counted by cProfile's cumulative time.
                found[phase] = max(found[phase], cumulative)
    return found


def profile(client, url: str, requests: int) -> tuple[pstats.Stats, float]:
    profiler = cProfile.Profile()
    for _ in range(requests):
        profiler.enable()
        response = client.get(url)
        profiler.disable()
        assert response.status_code == 200, (url, response.status_code)
    stats = pstats.Stats(profiler)
    return stats, stats.total_tt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--page", default="", help="only pages whose label contains this")
    parser.add_argument("--top", type=int, default=0, help="also print the top N functions")
    args = parser.parse_args()
    django_setup()
    from django.test import Client

    for label, user, url in bench_pages(args.year):
        if args.page not in label:
            continue
        client = Client()
        if user is not None:
            client.force_login(user)
        for _ in range(3):
            client.get(url)
        stats, _total = profile(client, url, args.requests)
        phases = phase_times(stats)
        print(f"== {label} ({url}): ms per request under cProfile")
        for phase, seconds in phases.items():
            print(f"   {phase:42s} {seconds / args.requests * 1000:7.2f}")
        if args.top:
            stats.sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
