"""HTML of the server: Jinja2 templates (``kg/publish/templates/``) with autoescaping.

Every term shown on a page goes through :func:`term_view`: links only for ``http(s)`` IRIs
(IRIs under ``https://w3id.org/clusterkg/`` point at this server), prefixed names by
:func:`kg.namespace.compact_iri`, language tags in their conventional case. A term's and a
quote's HTML are made by :func:`term_html` and :func:`quote_html` (escaped by MarkupSafe, as
the templates' autoescaping would), which are called for every table cell: a Python function
costs a tenth of a template macro.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

from kg.namespace import BASE, compact_iri
from kg.publish.conneg import bcp47_case

if TYPE_CHECKING:
    import jinja2

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
LITERAL_PREVIEW = 1500
#: :func:`kg.namespace.compact_iri`, remembered (the same IRIs recur on every page)
compact = lru_cache(maxsize=16384)(compact_iri)


@dataclass(frozen=True)
class TermView:
    """How one RDF term is shown: text, optional link, language, tag and datatype notes."""

    text: str
    href: str | None = None
    title: str | None = None
    lang: str | None = None
    tag: str | None = None
    datatype: str | None = None


def local_url(iri: str, base_url: str) -> str:
    """Map an IRI under ``https://w3id.org/clusterkg/`` to the server; others unchanged."""
    if iri.startswith(BASE):
        return base_url.rstrip("/") + "/" + iri[len(BASE) :]
    return iri


def safe_href(iri: str, base_url: str | None) -> str | None:
    """The link target of an IRI, or ``None`` unless it is ``http:`` or ``https:``."""
    if not iri.lower().startswith(("http://", "https://")):
        return None
    return local_url(iri, base_url) if base_url else iri


def iri_view(
    iri: str, base_url: str | None, label: tuple[str, str | None] | None = None
) -> TermView:
    """An IRI as a link (its label as text when given, else its prefixed name)."""
    text, lang = label or (compact(iri), None)
    return TermView(text, safe_href(iri, base_url), iri, bcp47_case(lang) if lang else None)


def term_view(term: Any, base_url: str | None, labels: Any = None) -> TermView:
    """A pyoxigraph term (``None`` -> empty) as shown in a table cell."""
    import pyoxigraph as ox

    if term is None:
        return TermView("")
    if isinstance(term, ox.NamedNode):
        return iri_view(term.value, base_url, labels.label(term.value) if labels else None)
    if isinstance(term, ox.Literal):
        value = term.value
        if len(value) > LITERAL_PREVIEW:
            value = value[:LITERAL_PREVIEW] + f" … ({len(term.value)} characters)"
        if term.language:
            lang = bcp47_case(term.language)
            return TermView(value, lang=lang, tag=lang)
        datatype = term.datatype.value
        return TermView(value, datatype=None if datatype == XSD_STRING else compact(datatype))
    return TermView(str(term))


@dataclass(frozen=True)
class Slot:
    """A term shown by HTML filled in later (:func:`kg.publish.pages.pages_of`)."""

    html: Any


def term_html(view: TermView | Slot) -> Any:
    """The HTML of one term (a link only when it has an ``http(s)`` target), escaped."""
    if isinstance(view, Slot):
        return view.html
    return _term_html(view)


@lru_cache(maxsize=65536)
def _term_html(view: TermView) -> Any:
    """:func:`term_html` of a view (remembered: the same terms recur on every page)."""
    from markupsafe import Markup, escape

    lang = f' lang="{escape(view.lang)}"' if view.lang else ""
    if view.href:
        title = f' title="{escape(view.title)}"' if view.title else ""
        html = f'<a href="{escape(view.href)}"{title}{lang}>{escape(view.text)}</a>'
    else:
        html = f"<span{lang}>{escape(view.text)}</span>"
    if view.tag:
        html += f' <span class="tag">{escape(view.tag)}</span>'
    if view.datatype:
        html += f' <span class="meta">{escape(view.datatype)}</span>'
    return Markup(html)


def quote_html(quote: Any) -> Any:
    """The HTML of a quote (verbatim text, source, offsets), escaped; ``None`` -> a note."""
    from markupsafe import Markup, escape

    if quote is None:
        return Markup('<span class="meta">(no quote)</span>')
    lang = f' lang="{escape(quote.lang)}"' if quote.lang else ""
    source = term_html(quote.source) if quote.source else ""
    offsets = f" [{escape(quote.start)}–{escape(quote.end)}]" if quote.start is not None else ""
    return Markup(
        f'<blockquote{lang}>{escape(quote.exact)}</blockquote><div class="meta">{source}'
        f"{offsets}</div>"
    )


def fact_row(fact: dict[str, Any]) -> Any:
    """A row of the table of facts with evidence (a reified statement and its quote)."""
    from markupsafe import Markup, escape

    confidence = f" · confidence {escape(fact['confidence'])}" if fact["confidence"] else ""
    extractor = f" · {term_html(fact['extractor'])}" if fact["extractor"] else ""
    return Markup(
        f"<tr><td>{term_html(fact['s'])} <b>{term_html(fact['p'])}</b> {term_html(fact['o'])}"
        f'<div class="meta">{term_html(fact["fact"])}{confidence}{extractor}</div></td>'
        f"<td>{quote_html(fact['quote'])}</td></tr>\n"
    )


def nary_row(fact: dict[str, Any]) -> Any:
    """A row of the table of n-ary facts (the entity's role in it, its quote)."""
    from markupsafe import Markup

    kind = term_html(fact["type"]) if fact["type"] else ""
    return Markup(
        f'<tr><td>{term_html(fact["fact"])}<div class="meta">{kind} · as '
        f"{term_html(fact['role'])}</div></td><td>{quote_html(fact['quote'])}</td></tr>\n"
    )


def cells_row(*cells: Any) -> Any:
    """A table row of terms (:class:`TermView`) and plain text cells (``(text, class)``)."""
    from markupsafe import Markup, escape

    html = []
    for cell in cells:
        if isinstance(cell, TermView | Slot):
            html.append(f"<td>{term_html(cell)}</td>")
        else:
            text, css = cell
            attribute = f' class="{css}"' if css else ""
            html.append(f"<td{attribute}>{escape(text)}</td>")
    return Markup("<tr>" + "".join(html) + "</tr>\n")


@cache
def environment() -> jinja2.Environment:
    """The Jinja2 environment (autoescape on every template)."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("kg.publish", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        auto_reload=False,  # the templates are package files: no stat per page
    )
    env.globals.update(compact=compact, term=term_html, quote=quote_html)
    return env


def render(template: str, **context: Any) -> str:
    """Render ``templates/{template}`` with ``context``."""
    return environment().get_template(template).render(**context)
