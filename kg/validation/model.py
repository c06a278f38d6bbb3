"""What validation produces: :class:`Result` (one SHACL validation result, RDF terms kept),
:class:`ResultRow` (the same flattened for people and tests) and :class:`ValidationResult`."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import rdflib

    from kg.validation.paths import Path
    from kg.validation.shapes import Shape

SH = "http://www.w3.org/ns/shacl#"
SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


@dataclass(eq=False)
class Result:
    """One validation result; ``focus`` and ``value`` are pyoxigraph terms as written."""

    focus: Any
    shape: Shape
    component: str  # constraint component IRI
    path: Path | None = None
    value: Any | None = None
    messages: list[tuple[str, str | None]] = field(default_factory=list)  # (text, language)
    source: Any | None = None  # sh:sourceConstraint (rdflib term)
    details: list[Result] = field(default_factory=list)
    graph: str | None = None  # the data graph ("union", an article graph IRI, ...)

    @property
    def severity(self) -> str:
        """The severity IRI (the shape's ``sh:severity``, default sh:Violation)."""
        return str(self.shape.severity)

    def key(self) -> tuple[Any, ...]:
        """Identity for comparisons and a stable order."""
        return (str(self.focus), str(self.shape.node), str(self.path), str(self.value),
                self.component, self.severity, str(self.source), self.graph)


@dataclass(frozen=True)
class ResultRow:
    """One SHACL validation result, flattened for people (table/JSON) and tests."""

    severity: str  # "Violation" | "Warning" | "Info" (other severities: their IRI)
    shape: str  # IRI of sh:sourceShape (blank nodes: "_:" + label)
    shape_label: str
    focus: str  # IRI (or N3 of a literal, "_:" + label of a blank node)
    focus_label: str | None
    path: str | None  # sh:resultPath: an IRI, or SPARQL property path syntax
    value: str | None  # N3 of sh:value
    message: str
    component: str  # e.g. "sh:MinCountConstraintComponent"
    quote: str | None = None  # the evidence quote when the focus node comes from an article
    graph: str | None = None  # the data graph checked ("union", an article graph IRI, ...)

    def key(self) -> tuple[str, str, str | None, str | None, str, str]:
        """Identity of a result for comparisons between engines."""
        return (self.focus, self.shape, self.path, self.value, self.component, self.severity)


@dataclass
class ValidationResult:
    """The outcome of validation.

    ``conforms`` follows SHACL: True only when there is no result of any severity. The CLI's
    exit code and the build use ``violations`` (``failed(fail_on)``) instead.
    ``engines`` says which engine checked each shape (``fast``, or ``pyshacl`` with why).
    """

    conforms: bool
    results: list[ResultRow]
    report_graph: rdflib.Graph
    timings: dict[str, float] = field(default_factory=dict)
    engine: str = "fast"
    engines: dict[str, str] = field(default_factory=dict)
    full: list[Result] = field(default_factory=list)

    @property
    def violations(self) -> list[ResultRow]:
        """Results with severity sh:Violation."""
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def warnings(self) -> list[ResultRow]:
        """Results with severity sh:Warning."""
        return [r for r in self.results if r.severity == "Warning"]

    def failed(self, fail_on: str = "violation") -> bool:
        """Whether validation fails: any violation, or (``fail_on="warning"``) any warning too."""
        levels = {"violation": {"Violation"}, "warning": {"Violation", "Warning"},
                  "info": {"Violation", "Warning", "Info"}}[fail_on]
        return any(r.severity in levels for r in self.results)

    def counts(self) -> dict[str, int]:
        """Number of results per severity (other severities under their IRI)."""
        c = Counter(r.severity for r in self.results)
        out = {s: c.get(s, 0) for s in SEVERITY_ORDER}
        out.update({s: n for s, n in c.items() if s not in SEVERITY_ORDER})
        return out

    def to_json(self) -> dict[str, Any]:
        """A JSON-serialisable summary with every result."""
        return {
            "conforms": self.conforms,
            "engine": self.engine,
            "counts": self.counts(),
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
            "engines": self.engines,
            "results": [asdict(r) for r in self.results],
        }
