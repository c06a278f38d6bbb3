"""The build's map on a Dask cluster (``clusterkg build --scheduler ADDRESS``).

Dask distributed rather than Ray: it is a pure-Python install (``pip install distributed``),
its scheduler and workers are plain processes started with ``dask scheduler`` /
``dask worker ADDRESS`` (or ``LocalCluster`` in the tests), and :func:`kg.build_map.map_article`
runs on it unchanged. Each worker process loads the extraction context once, on its first
article, and keeps it. Workers need the checkout and the corpus at the same paths (a shared
file system or the same checkout); the graphs come back to the client, which writes them to
the article cache as they arrive, so the reduce is the same as for a local build.
"""

from __future__ import annotations

from collections.abc import Callable

from kg.build_map import ArticleResult, ArticleTask, map_article
from kg.errors import InputError


def run_dask(address: str, tasks: list[ArticleTask],
             on_result: Callable[[ArticleResult], None], timeout: float = 30.0) -> None:
    """Map ``tasks`` on the Dask scheduler at ``address``; results go to ``on_result``."""
    if not tasks:
        return
    try:
        from distributed import Client, as_completed
    except ImportError as err:
        raise InputError("--scheduler needs Dask distributed",
                         hint="pip install 'clusterkg[distributed]'") from err
    try:
        client = Client(address, timeout=timeout)
    except (OSError, TimeoutError) as err:
        raise InputError(f"cannot reach the Dask scheduler at {address}: {err}",
                         hint="start one with: dask scheduler") from err
    with client:
        futures = client.map(map_article, tasks, pure=False, key=[
            f"clusterkg-map-{task.key}-{task.index}" for task in tasks])
        try:
            for future in as_completed(futures):
                on_result(future.result())
        finally:
            client.cancel(futures)
