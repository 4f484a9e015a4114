"""A limit on aliases that counts through fragment spreads in linear time.

An alias inside a fragment counts once for every place the fragment is spread, so that a small
document cannot multiply aliases by nesting fragments ("alias bombs"). Counts per fragment are
memoised: the check costs time proportional to the document, however large the expansion.
"""

from __future__ import annotations

from graphql import (
    FieldNode, FragmentDefinitionNode, FragmentSpreadNode, GraphQLError, InlineFragmentNode, OperationDefinitionNode,
    ValidationContext, ValidationRule,
)
from strawberry.extensions import AddValidationRules

__all__ = ["MaxAliasesThroughFragments", "count_aliases"]


def count_aliases(document) -> int:
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    memo: dict[str, int] = {}
    active: set[str] = set()

    def of_fragment(name: str) -> int:
        if name in memo:
            return memo[name]
        if name in active or name not in fragments:  # cycles are rejected by validation anyway
            return 0
        active.add(name)
        memo[name] = of_selection(fragments[name])
        active.discard(name)
        return memo[name]

    def of_selection(owner) -> int:
        if owner.selection_set is None:
            return 0
        n = 0
        for sel in owner.selection_set.selections:
            if isinstance(sel, FieldNode):
                n += 1 if sel.alias else 0
                n += of_selection(sel)
            elif isinstance(sel, InlineFragmentNode):
                n += of_selection(sel)
            elif isinstance(sel, FragmentSpreadNode):
                n += of_fragment(sel.name.value)
        return n

    return sum(of_selection(d) for d in document.definitions if isinstance(d, OperationDefinitionNode))


class MaxAliasesThroughFragments(AddValidationRules):
    def __init__(self, max_alias_count: int) -> None:
        class Rule(ValidationRule):
            def __init__(self, context: ValidationContext) -> None:
                total = count_aliases(context.document)
                if total > max_alias_count:
                    context.report_error(GraphQLError(
                        f"{total} aliases (fragment spreads included); at most {max_alias_count} are allowed"))
                super().__init__(context)

        super().__init__([Rule])
