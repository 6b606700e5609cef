"""A compact integer maximum-flow solver (Edmonds–Karp) with its minimum cut.

The capacity check solves one small transportation problem per section and
paper count (topics x difficulties, a few dozen nodes), so a breadth-first
augmenting-path solver is exact and fast enough; no graph library is needed.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

__all__ = ["FlowNetwork", "FlowResult"]


@dataclass(frozen=True)
class FlowResult:
    """The value of a maximum flow and the source side of a minimum cut.

    Attributes
    ----------
    value : int
        Total flow from source to sink.
    source_side : frozenset of int
        Nodes reachable from the source in the residual network; the edges
        leaving this set form a minimum cut whose capacity equals ``value``.
    """

    value: int
    source_side: frozenset[int]


class FlowNetwork:
    """A directed network on nodes ``0 .. n_nodes - 1`` with integer capacities.

    Examples
    --------
    >>> net = FlowNetwork(4)
    >>> net.add_edge(0, 1, 3); net.add_edge(0, 2, 2); net.add_edge(1, 3, 2); net.add_edge(2, 3, 3)
    >>> net.max_flow(0, 3).value
    4
    """

    def __init__(self, n_nodes: int) -> None:
        self._heads: list[int] = []
        self._residual: list[int] = []
        self._out: list[list[int]] = [[] for _ in range(n_nodes)]

    def add_edge(self, tail: int, head: int, capacity: int) -> None:
        """Add the edge ``tail -> head`` holding at most ``capacity`` units (>= 0)."""
        if capacity < 0:
            raise ValueError(f"edge {tail}->{head}: capacity must be >= 0 (got {capacity})")
        self._out[tail].append(len(self._heads))
        self._heads.append(head)
        self._residual.append(capacity)
        self._out[head].append(len(self._heads))
        self._heads.append(tail)
        self._residual.append(0)

    def max_flow(self, source: int, sink: int) -> FlowResult:
        """Push as much flow as possible from ``source`` to ``sink``.

        The network keeps the resulting residual capacities, so call this once
        per network.
        """
        value = 0
        while True:
            parent_edge = self._augmenting_path(source, sink)
            if sink not in parent_edge:
                return FlowResult(value, frozenset(parent_edge))
            value += self._augment(parent_edge, source, sink)

    def _augmenting_path(self, source: int, sink: int) -> dict[int, int]:
        """Breadth-first search in the residual network: node -> edge used to reach it."""
        parent_edge = {source: -1}
        queue = deque([source])
        while queue and sink not in parent_edge:
            node = queue.popleft()
            for edge in self._out[node]:
                head = self._heads[edge]
                if self._residual[edge] > 0 and head not in parent_edge:
                    parent_edge[head] = edge
                    queue.append(head)
        return parent_edge

    def _augment(self, parent_edge: dict[int, int], source: int, sink: int) -> int:
        """Send the bottleneck amount along the path found; return that amount."""
        path = []
        node = sink
        while node != source:
            edge = parent_edge[node]
            path.append(edge)
            node = self._heads[edge ^ 1]
        amount = min(self._residual[e] for e in path)
        for edge in path:
            self._residual[edge] -= amount
            self._residual[edge ^ 1] += amount
        return amount
