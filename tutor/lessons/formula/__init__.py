"""The formula language learners type: a small, safe interpreter over Python's expression syntax.

`sigmoid(z0[0, 0])`, `f0*c0 + i0*c_hat0`, `concat(x0, h0) @ W + B` parse with `ast.parse` and are
evaluated by walking an allowlist of node types: nothing is ever passed to `eval`.

- `syntax`: parsing and the allowlist (`parse`, `Formula`)
- `functions`: the whitelist of callable functions (`FUNCTIONS`)
- `evaluation`: the evaluator with its caps (`evaluate`)
- `equivalence`: the one routine that perturbs givens (`perturb`), for formula equivalence
"""

from tutor.lessons.formula.equivalence import perturb
from tutor.lessons.formula.errors import (
    MAX_CHAIN,
    MAX_DEPTH,
    MAX_ELEMENTS,
    MAX_EXPONENT,
    MAX_NODES,
    MAX_OPERATIONS,
    MAX_SOURCE_CHARS,
    FormulaError,
)
from tutor.lessons.formula.evaluation import evaluate
from tutor.lessons.formula.functions import FUNCTIONS, Function
from tutor.lessons.formula.syntax import Formula, parse

__all__ = [
    "FUNCTIONS",
    "MAX_CHAIN",
    "MAX_DEPTH",
    "MAX_ELEMENTS",
    "MAX_EXPONENT",
    "MAX_NODES",
    "MAX_OPERATIONS",
    "MAX_SOURCE_CHARS",
    "Formula",
    "FormulaError",
    "Function",
    "evaluate",
    "parse",
    "perturb",
]
