"""Curation: add publications from reference lists and records, reconciled against the graph.

``sgraph.curate.add.plan`` reconciles a file; ``sgraph.curate.add.apply`` validates and writes.
"""

from sgraph.curate.add import AddPlan, add, apply, plan

__all__ = ["AddPlan", "add", "apply", "plan"]
