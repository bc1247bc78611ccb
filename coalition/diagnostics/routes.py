"""Pages drawn from the coalition graph: who holds which levers, the network, its exports."""

import json

import networkx as nx
from flask import Blueprint, Response, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from coalition.access import require, viewer
from coalition.coalitions.queries import coalition_or_404
from coalition.db import db_session
from coalition.diagnostics import charts, queries, summary, wording
from coalition.diagnostics import graph as graphs
from coalition.diagnostics.filters import parse_graph_filters

bp = Blueprint("diagnostics", __name__)


@bp.get("/c/<slug>/levers")
def coverage(slug: str) -> ResponseReturnValue:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    require("coalition.view", coalition)
    graph = graphs.build_graph(queries.graph_data(session, coalition, viewer()))
    matrix = graphs.coverage_matrix(graph)
    lever_names = {lever.id: lever.name for lever in queries.graph_levers(graph)}
    heatmap = charts.coverage_heatmap(
        matrix,
        lever_names,
        wording.family_labels(),
        title=_("Qui détient quels leviers ?"),
        holders_label=_("Acteurs"),
    )
    return render_template(
        "diagnostics/coverage.html",
        coalition=coalition,
        matrix=matrix,
        lever_names=lever_names,
        descriptions=queries.lever_descriptions(session, coalition),
        unheld=graphs.unheld_levers(graph),
        single=graphs.single_holder_levers(graph),
        empty_cells=graphs.empty_cells(matrix),
        actor_names={
            graphs.row_id(n): graph.nodes[n]["label"] for n in graph if n.startswith("actor:")
        },
        heatmap=heatmap,
    )


@bp.get("/c/<slug>/graph")
def network(slug: str) -> ResponseReturnValue:
    """Up to SUMMARY_ABOVE nodes, every node drawn; above, a summary by family, lever and axis
    by default, the whole graph with ?view=full (drawn up to FULL_DRAWING_LIMIT nodes)."""
    session = db_session()
    coalition = coalition_or_404(session, slug)
    require("coalition.view", coalition)
    data = queries.graph_data(session, coalition, viewer())
    filters, problem = parse_graph_filters(request.args, {lever.id for lever in data.levers})
    if problem:
        return render_template("errors/error.html", code=400, message=problem), 400
    whole = graphs.build_graph(data)
    shown = graphs.filter_graph(whole, family=filters.family, lever_id=filters.lever_id)
    large = whole.number_of_nodes() > summary.SUMMARY_ABOVE
    view = filters.view or ("summary" if large else "full")
    drawn = view == "full" and shown.number_of_nodes() <= summary.FULL_DRAWING_LIMIT
    projection = graphs.actor_projection(whole)
    return render_template(
        "diagnostics/network.html",
        coalition=coalition,
        graph=shown,
        degrees=graphs.degrees(shown) if drawn else {},
        levers=data.levers,
        filters=filters,
        large=large,
        view=view,
        drawn=drawn,
        figure=charts.network_figure(
            shown, wording.family_labels(), wording.node_type_labels(), links_label=_("liens")
        )
        if drawn
        else None,
        summary=_summary(shown) if view == "summary" else None,
        sizes=summary.summarise(shown) if view == "full" and not drawn else None,
        brokers=graphs.brokers(projection),
        communities=_communities(projection, large),
        communities_shown=summary.COMMUNITIES_SHOWN if large else None,
        members_shown=summary.MEMBERS_SHOWN if large else None,
        projection=projection,
        type_labels=wording.node_type_labels(),
    )


def _summary(shown: nx.Graph) -> dict[str, object]:
    counted = summary.summarise(shown)
    figure = charts.summary_figure(
        summary.summary_graph(counted),
        wording.family_labels(),
        wording.node_type_labels(),
        count_labels={"family": _("acteurs"), "lever": _("actions"), "axis": _("actions")},
        weight_labels={
            "holds": _("acteurs qui détiennent le levier"),
            "uses": _("actions qui utilisent le levier"),
        },
    )
    return {"counts": counted, "figure": figure}


def _communities(projection: nx.Graph, large: bool) -> list[list[str]]:
    """Louvain on the whole projection; for a large coalition, without the actors who share
    no action with anyone (they belong to no community of two or more, and cost most of the
    time there: 1.2 s instead of 0.25 s at 10,000 actors)."""
    if not large:
        return graphs.communities(projection)
    working = projection.copy()
    working.remove_nodes_from(list(nx.isolates(working)))
    return graphs.communities(working)


def _export(slug: str) -> nx.Graph:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    require("coalition.view", coalition)
    return graphs.build_graph(queries.graph_data(session, coalition, viewer()))


def _download(body: str, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/c/<slug>/graph.graphml")
def graphml(slug: str) -> ResponseReturnValue:
    body = "\n".join(nx.generate_graphml(_export(slug)))
    return _download(body, "application/graphml+xml", f"{slug}.graphml")


@bp.get("/c/<slug>/graph.gexf")
def gexf(slug: str) -> ResponseReturnValue:
    body = "\n".join(nx.generate_gexf(_export(slug)))
    return _download(body, "application/gexf+xml", f"{slug}.gexf")


@bp.get("/c/<slug>/graph.json")
def node_link(slug: str) -> ResponseReturnValue:
    data = nx.node_link_data(_export(slug), edges="links")
    return _download(json.dumps(data, ensure_ascii=False), "application/json", f"{slug}.json")
