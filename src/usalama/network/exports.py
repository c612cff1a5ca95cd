"""Writing a chart for other tools: GraphML (yEd, igraph), GEXF (Gephi) and a CSV edge list.

Written with the standard library's XML writer (which escapes every value), so names
with ``<`` or ``&`` cannot break the file. Provenance travels as statement ids.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from typing import Any

from usalama.analysis import graph
from usalama.core import spreadsheets

_NODE_KEYS = (("caption", "string"), ("schema", "string"))
_EDGE_KEYS = (
    ("relation", "string"),
    ("label", "string"),
    ("weight", "double"),
    ("count", "int"),
    ("first_date", "string"),
    ("last_date", "string"),
    ("statements", "string"),
)


def _edge_values(edge: graph.Edge) -> dict[str, str]:
    return {
        "relation": edge.relation or "",
        "label": str(edge.attributes.get("label") or ""),
        "weight": repr(float(edge.weight)),
        "count": str(edge.count),
        "first_date": edge.first_date or "",
        "last_date": edge.last_date or "",
        "statements": "|".join(edge.provenance),
    }


def _xml(root: ET.Element) -> str:
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def graphml(nodes: Sequence[dict[str, Any]], edges: Sequence[graph.Edge]) -> tuple[str, str, str]:
    root = ET.Element("graphml", xmlns="http://graphml.graphdrawing.org/xmlns")
    for name, kind in _NODE_KEYS:
        ET.SubElement(
            root, "key", {"id": name, "for": "node", "attr.name": name, "attr.type": kind}
        )
    for name, kind in _EDGE_KEYS:
        ET.SubElement(
            root, "key", {"id": name, "for": "edge", "attr.name": name, "attr.type": kind}
        )
    body = ET.SubElement(root, "graph", id="usalama", edgedefault="undirected")
    for node in nodes:
        element = ET.SubElement(body, "node", id=node["id"])
        for name, _kind in _NODE_KEYS:
            ET.SubElement(element, "data", key=name).text = str(node.get(name, ""))
    for i, edge in enumerate(edges):
        element = ET.SubElement(body, "edge", id=f"e{i}", source=edge.source, target=edge.target)
        for name, value in _edge_values(edge).items():
            ET.SubElement(element, "data", key=name).text = value
    return _xml(root), "application/graphml+xml", "graphml"


def gexf(nodes: Sequence[dict[str, Any]], edges: Sequence[graph.Edge]) -> tuple[str, str, str]:
    root = ET.Element("gexf", xmlns="http://gexf.net/1.3", version="1.3")
    ET.SubElement(ET.SubElement(root, "meta"), "creator").text = "usalama"
    body = ET.SubElement(root, "graph", defaultedgetype="undirected", mode="static")
    node_attrs = ET.SubElement(body, "attributes", {"class": "node"})
    ET.SubElement(node_attrs, "attribute", id="0", title="schema", type="string")
    edge_attrs = ET.SubElement(body, "attributes", {"class": "edge"})
    edge_keys = [k for k in _EDGE_KEYS if k[0] not in {"weight", "label"}]
    for i, (name, kind) in enumerate(edge_keys):
        ET.SubElement(
            edge_attrs, "attribute", id=str(i), title=name, type=kind.replace("int", "integer")
        )
    node_list = ET.SubElement(body, "nodes")
    for node in nodes:
        element = ET.SubElement(
            node_list, "node", id=node["id"], label=str(node.get("caption", ""))
        )
        values = ET.SubElement(element, "attvalues")
        ET.SubElement(values, "attvalue", {"for": "0", "value": str(node.get("schema", ""))})
    edge_list = ET.SubElement(body, "edges")
    for i, edge in enumerate(edges):
        fields = _edge_values(edge)
        element = ET.SubElement(
            edge_list,
            "edge",
            id=f"e{i}",
            source=edge.source,
            target=edge.target,
            weight=fields["weight"],
            label=fields["label"] or fields["relation"],
        )
        values = ET.SubElement(element, "attvalues")
        for j, (name, _kind) in enumerate(edge_keys):
            if fields[name]:
                ET.SubElement(values, "attvalue", {"for": str(j), "value": fields[name]})
    return _xml(root), "application/gexf+xml", "gexf"


def edge_csv(nodes: Sequence[dict[str, Any]], edges: Sequence[graph.Edge]) -> tuple[str, str, str]:
    captions = {n["id"]: str(n.get("caption", "")) for n in nodes}
    out = io.StringIO()
    writer = spreadsheets.writer(out)
    writer.writerow(
        ["source", "target", "source_name", "target_name", *[k for k, _t in _EDGE_KEYS]]
    )
    for edge in edges:
        fields = _edge_values(edge)
        writer.writerow(
            [
                edge.source,
                edge.target,
                captions.get(edge.source, ""),
                captions.get(edge.target, ""),
                *[fields[k] for k, _t in _EDGE_KEYS],
            ]
        )
    return out.getvalue(), "text/csv; charset=utf-8", "csv"


Writer = Callable[[Sequence[dict[str, Any]], Sequence[graph.Edge]], tuple[str, str, str]]
FORMATS: dict[str, Writer] = {"graphml": graphml, "gexf": gexf, "csv": edge_csv}
