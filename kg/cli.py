"""The ``clusterkg`` command line: one group, a subcommand per stage of the data flow.

Subcommands are imported lazily (only the one that runs is loaded) to keep start-up fast.
Exit codes: 0 success, 1 the data failed a check (e.g. SHACL violations), 2 unusable input
(one line naming the file, parameter or URL and what to do), 3 an internal error (a bug: one
line, and the traceback with ``clusterkg --debug``), 130 interrupted.
"""

from __future__ import annotations

import importlib
import os
import sys

import click

from kg.errors import ClusterKGError, os_error_message

DEBUG_ENV = "CLUSTERKG_DEBUG"


class LazyGroup(click.Group):
    """A click group whose subcommands are named ``"module:attribute"`` and imported on use."""

    def __init__(self, *args: object, lazy: dict[str, tuple[str, str]], **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy:
            target, _help = self.lazy[cmd_name]
            module_name, attr = target.split(":")
            command: click.Command = getattr(importlib.import_module(module_name), attr)
            return command
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List subcommands with their short help without importing them."""
        rows = [(name, self.lazy[name][1]) for name in sorted(self.lazy)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("kg.project:init_command", "Start a corpus of your own: sources.yaml, curation/."),
    "build": ("kg.pipeline:build_command", "Build the graph from the articles, validate, dump."),
    "review": ("kg.review:review_command", "Review an article's automatic facts (accept/reject)."),
    "explain": ("kg.explain:explain_command", "Print every fact about an entity with its quote."),
    "ontology": ("kg.cli:ontology_group", "Inspect the ontology: stats, changelog, docs."),
    "validate": ("kg.validate:validate_command", "Validate RDF files or an endpoint with SHACL."),
    "queries": ("kg.query:queries_command", "List the stored competency questions."),
    "query": ("kg.query:query_command", "Run a stored query on the embedded store or endpoint."),
    "load": ("kg.endpoint:load_command", "Push the graph to a store (Graph Store Protocol)."),
    "export": ("kg.publish.export:export_command", "Write the graph re-expressed in schema/org."),
    "serve": ("kg.publish.server:serve_command", "Serve linked data and a SPARQL endpoint."),
    "pages": ("kg.publish.prerender:pages_command", "Pre-render a build's entity documents."),
    "bench": ("kg.bench:bench_command", "Run the benchmark suite or generate synthetic graphs."),
}

ONTOLOGY_COMMANDS: dict[str, tuple[str, str]] = {
    "stats": ("kg.ontology:stats_command", "Classes, properties, individuals, label coverage."),
    "changelog": ("kg.publish.changelog:changelog_command", "Terms added/removed/changed."),
    "docs": ("kg.publish.docs:docs_command", "Write HTML documentation and a diagram."),
}


@click.group(cls=LazyGroup, lazy=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="clusterkg", prog_name="clusterkg")
@click.option("--debug", is_flag=True, envvar=DEBUG_ENV,
              help=f"Show the Python traceback of an error (also ${DEBUG_ENV}=1).")
def cli(debug: bool) -> None:
    """clusterkg: a knowledge graph of industrial and innovation clusters.

    Data flow: articles -> cleaned text -> mentions and facts -> RDF with evidence ->
    SHACL validation -> stored SPARQL queries and linked-data publishing.
    """
    if debug:
        os.environ[DEBUG_ENV] = "1"  # seen by main() and by worker processes


@click.group(cls=LazyGroup, lazy=ONTOLOGY_COMMANDS)
def ontology_group() -> None:
    """Inspect and document the OWL ontology (ontology/clusterkg.ttl)."""


def main() -> None:
    """Entry point: run the CLI; every error becomes one line on stderr and an exit code."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Exit as err:
        sys.exit(err.exit_code)
    except click.ClickException as err:
        err.show()
        sys.exit(err.exit_code)
    except (click.exceptions.Abort, KeyboardInterrupt):
        click.echo("aborted", err=True)
        sys.exit(130)
    except Exception as err:
        if os.environ.get(DEBUG_ENV, "") not in ("", "0"):
            raise
        message, code = describe_error(err)
        click.echo(f"error: {message}", err=True)
        sys.exit(code)


def describe_error(err: Exception) -> tuple[str, int]:
    """The one-line message and exit code of an exception that reached the CLI."""
    if isinstance(err, ClusterKGError):
        return str(err), err.exit_code
    if isinstance(err, OSError):
        return os_error_message(err), 2
    if isinstance(err, MemoryError):
        return "out of memory (give the process more memory, or less input)", 2
    detail = " ".join(str(err).split())[:300]
    summary = f"{type(err).__name__}: {detail}" if detail else type(err).__name__
    return (f"unexpected {summary} (a bug in clusterkg: rerun with clusterkg --debug "
            "for the traceback and report it)"), 3


if __name__ == "__main__":
    main()
