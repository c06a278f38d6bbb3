"""The ``clusterkg`` command line: one group, a subcommand per stage of the data flow.

Subcommands are imported lazily (only the one that runs is loaded) to keep start-up fast.
Exit codes: 0 success, 1 the data failed a check (e.g. SHACL violations), 2 unusable input.
"""

from __future__ import annotations

import importlib
import sys

import click

from kg.errors import ClusterKGError


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
            return getattr(importlib.import_module(module_name), attr)
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
    "explain": ("kg.explain:explain_command", "Print every fact about an entity with its quote."),
    "ontology": ("kg.cli:ontology_group", "Inspect the ontology: stats, changelog, docs."),
    "validate": ("kg.validate:validate_command", "Validate RDF files or an endpoint with SHACL."),
    "queries": ("kg.query:queries_command", "List the stored competency questions."),
    "query": ("kg.query:query_command", "Run a stored query on the embedded store or endpoint."),
    "load": ("kg.endpoint:load_command", "Push the graph to a store (Graph Store Protocol)."),
    "export": ("kg.publish.export:export_command", "Write the graph re-expressed in schema/org."),
    "serve": ("kg.publish.server:serve_command", "Serve linked data and a SPARQL endpoint."),
    "bench": ("kg.bench:bench_command", "Run the benchmark suite or generate synthetic graphs."),
}

ONTOLOGY_COMMANDS: dict[str, tuple[str, str]] = {
    "stats": ("kg.ontology:stats_command", "Classes, properties, individuals, label coverage."),
    "changelog": ("kg.publish.changelog:changelog_command", "Terms added/removed/changed."),
    "docs": ("kg.publish.docs:docs_command", "Write HTML documentation and a diagram."),
}


@click.group(cls=LazyGroup, lazy=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="clusterkg", prog_name="clusterkg")
def cli() -> None:
    """clusterkg: a knowledge graph of industrial and innovation clusters.

    Data flow: articles -> cleaned text -> mentions and facts -> RDF with evidence ->
    SHACL validation -> stored SPARQL queries and linked-data publishing.
    """


@click.group(cls=LazyGroup, lazy=ONTOLOGY_COMMANDS)
def ontology_group() -> None:
    """Inspect and document the OWL ontology (ontology/clusterkg.ttl)."""


def main() -> None:
    """Entry point: run the CLI and turn user errors into one line and an exit code."""
    try:
        cli.main(standalone_mode=False)
    except ClusterKGError as err:
        click.echo(f"error: {err}", err=True)
        sys.exit(err.exit_code)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as err:
        err.show()
        sys.exit(err.exit_code)
    except click.exceptions.Exit as err:
        sys.exit(err.exit_code)


if __name__ == "__main__":
    main()
