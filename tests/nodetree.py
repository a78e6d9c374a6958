"""A composed YAML node as plain data, to compare two ways of composing the same text."""

from __future__ import annotations

from yaml.nodes import Node, ScalarNode, SequenceNode


def tree(node: Node) -> object:
    """A node as plain data: kind, tag, style, value (or children) and both marks."""
    where = (node.start_mark.line, node.start_mark.column, node.end_mark.line, node.end_mark.column)
    if isinstance(node, ScalarNode):
        return ("scalar", node.tag, node.style, node.value, where)
    if isinstance(node, SequenceNode):
        return ("seq", node.tag, where, [tree(n) for n in node.value])
    return ("map", node.tag, where, [(tree(k), tree(v)) for k, v in node.value])
