"""The lesson format as pydantic models: what an author may write in `lessons/*.yaml`.

Unknown keys are errors (`extra="forbid"`), so a misspelt key is reported rather than ignored.
Values the schema cannot judge alone (given numbers, references, quantities) are checked by
`tutor.lessons.validation`, which evaluates them against the engine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, Protocol, get_args

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from engine.vocabulary import MODEL_KINDS

if TYPE_CHECKING:  # the judges import this module; the schema itself stays numpy-free
    from tutor.lessons.outcomes import CheckResult

DEFAULT_RTOL = 0.01  # learners type 3-4 significant digits; ±1% accepts that, rejects real slips
DEFAULT_ATOL = 1e-4  # so that a reference of exactly 0 can still be matched by a typed 0.0000
IDENT = r"^[A-Za-z_][A-Za-z0-9_]*$"
SLUG = r"^[a-z0-9][a-z0-9-]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Tolerance(_Strict):
    """How close an answer must be: |answer - expected| <= atol + rtol * |expected|, per element."""

    rtol: float = Field(DEFAULT_RTOL, ge=0, le=1, description="relative tolerance (0.01 = ±1%)")
    atol: float = Field(DEFAULT_ATOL, ge=0, description="absolute tolerance, matters near zero")


class Precision(_Strict):
    """How precisely a typed number must be given: significant figures, or decimal places."""

    figures: int = Field(3, ge=1, le=15, description="significant figures (STACK-style)")
    decimals: int | None = Field(
        None, ge=0, le=15, description="decimal places instead of significant figures"
    )


class Mistake(_Strict):
    """An anticipated wrong answer: when the learner's value matches it, show the feedback."""

    expression: str = Field(description="formula over the step's names giving the wrong value")
    feedback: str = Field(description="Markdown shown when the learner's value matches")


class RandomSpec(_Strict):
    """Numbers drawn per learner (stable for one learner, different between learners)."""

    distribution: Literal["uniform", "normal", "integers"] = "uniform"
    range: tuple[float, float] | None = Field(
        None, description="[low, high] for uniform and integers (inclusive)"
    )
    mean: float = 0.0
    std: float = Field(1.0, gt=0)
    shape: list[Annotated[int, Field(ge=1, le=64)]] = Field(default_factory=list)
    decimals: int | None = Field(2, ge=0, le=10, description="round so numbers are typeable")


class RandomGiven(_Strict):
    random: RandomSpec


class InitialState(_Strict):
    """Names of the givens holding the initial state; a missing one starts at zeros."""

    h: str | None = None
    c: str | None = None


class CellWeights(_Strict):
    """Either the concatenated form `z = concat(x, h) @ W + B` (seed 000) or torch's 4 tensors."""

    W: str | None = Field(None, description="given of shape (input+hidden, gates*hidden)")
    B: str | None = Field(None, description="given of shape (1, gates*hidden) or (gates*hidden,)")
    W_ih: str | None = None
    W_hh: str | None = None
    b_ih: str | None = None
    b_hh: str | None = None

    @model_validator(mode="after")
    def _one_form(self) -> CellWeights:
        concat = self.W is not None or self.B is not None
        split = any(v is not None for v in (self.W_ih, self.W_hh, self.b_ih, self.b_hh))
        if concat == split:
            raise ValueError("give either W and B (concatenated form) or W_ih, W_hh, b_ih, b_hh")
        if concat and (self.W is None or self.B is None):
            raise ValueError("the concatenated form needs both W and B")
        if split and (self.W_ih is None or self.W_hh is None):
            raise ValueError("torch's form needs at least W_ih and W_hh (biases may be left out)")
        return self


class Readout(_Strict):
    """The output layer after the last step: y = activation(h_T @ weight + bias)."""

    weight: str
    bias: str | None = None
    activation: Literal["sigmoid", "tanh", "identity"] = "identity"


class Loss(_Strict):
    """The loss gradient steps differentiate: on the readout y (or on the last h without one)."""

    kind: Literal["binary_cross_entropy", "squared_error"] = Field(
        description="means over the elements, as torch's BCELoss and MSELoss: "
        "binary_cross_entropy: -mean(t log y + (1-t) log(1-y)); squared_error: mean((y-t)**2)"
    )
    target: str = Field(description="the given holding the target t")


class Model(_Strict):
    """The cell the engine unrolls to compute every `quantity:` a step asks for."""

    cell: Literal[MODEL_KINDS]  # a tuple inside Literal[...] spreads into its values
    layout: str | list[str] = Field(
        "pytorch",
        description="gate order: pytorch, keras, seed000, seed004, or an explicit list of gates",
    )
    gru_form: Literal["pytorch", "classic"] = Field(
        "pytorch", description="pytorch: reset applied after the matmul; classic: before"
    )
    nonlinearity: Literal["tanh", "relu"] = "tanh"
    input_size: int = Field(ge=1, le=64)
    hidden_size: int = Field(ge=1, le=64)
    inputs: list[str] = Field(min_length=1, description="names of the givens x_0, x_1, ...")
    initial_state: InitialState = Field(default_factory=InitialState)
    weights: CellWeights
    readout: Readout | None = None
    loss: Loss | None = Field(None, description="lets steps ask for gradients: dh2, dc1, dW...")


class Derived(_Strict):
    """A value shown to the learner without being asked: a quantity or a formula's value."""

    quantity: str | None = Field(None, description="what the engine computes: h1, c2, dz1, ...")
    reference: str | None = Field(None, description="formula over givens and earlier derived")

    @model_validator(mode="after")
    def _one_source(self) -> Derived:
        if (self.quantity is None) == (self.reference is None):
            raise ValueError("a derived value needs exactly one of `quantity:` or `reference:`")
        return self


class Judges(Protocol):
    """What a step is judged with: the lesson runtime for one learner (LessonSession).

    A step says which of these judges it (`check`) and what its revealed answer is (`reveal`);
    a new kind of step judged a new way adds its method here and in the runtime.
    """

    def judge_value(self, step: NumericStep | FormulaStep, text: str) -> CheckResult: ...

    def judge_choice(self, step: ChoiceStep, text: str) -> CheckResult: ...

    def judge_nothing(self, step: Step) -> CheckResult: ...

    def choices(self, step_id: str) -> list[tuple[str, Choice]]: ...

    def exact(self, step_id: str) -> str: ...


class _StepBase(_Strict):
    """What every kind of step says about itself, so no caller tests `kind`.

    The class variables are not part of the lesson format (pydantic leaves ClassVars out).
    """

    answered: ClassVar[bool] = False  # the learner types an answer that is judged
    previewed: ClassVar[bool] = False  # the typed answer's value is shown live while typing
    valued: ClassVar[bool] = False  # has an exact reference value (from quantity:/reference:)
    formula_only: ClassVar[bool] = False  # the answer must be the formula, not just its value
    offers_choices: ClassVar[bool] = False  # lettered options, shuffled per learner
    runs_job: ClassVar[bool] = False  # enter starts an engine job (engine.jobs.run_job)
    placeholder: ClassVar[str] = ""  # what the empty answer box asks for
    unanswered: ClassVar[str] = ""  # why nothing is judged: "only text to read", ...

    id: str = Field(pattern=IDENT, description="also the name later steps use for this value")
    title: str | None = None
    prompt: str = Field(description="Markdown; {{ expression }} is replaced by its value")
    hints: list[str] = Field(default_factory=list, description="revealed one at a time")
    explanation: str | None = Field(None, description="Markdown shown after success")

    def check(self, judges: Judges, text: str) -> CheckResult:
        """The verdict on `text`; never raises for a bad answer (see CheckResult.error)."""
        return judges.judge_nothing(self)

    def reveal(self, judges: Judges) -> str:
        """The answer shown to a learner who gave up ("" when there is nothing to answer)."""
        return ""

    def answer_format(self) -> str:
        """The form of answer asked for, ending the prompt ("" when nothing is typed)."""
        return ""

    @property
    def allowed_names(self) -> list[str] | None:
        """The names an answer may use when the author restricted them (None: no limit)."""
        return None

    @property
    def declared_results(self) -> dict[str, str]:
        """Names this step's run declares for later steps (name -> result path)."""
        return {}

    def listed(self, shown: list[tuple[str, Choice]] | None) -> dict[str, Any]:
        """Fields `lessons show` adds for this kind (`shown`: the learner's choices, if known)."""
        return {}


class _ValueStep(_StepBase):
    answered: ClassVar[bool] = True
    previewed: ClassVar[bool] = True
    valued: ClassVar[bool] = True

    quantity: str | None = Field(
        None, description="what the engine computes: f, i, g/c_hat, o, z, c, h, y... or f0, h2"
    )
    t: int | None = Field(None, ge=0, description="time step for `quantity` (f at t=1 is f1)")
    reference: str | None = Field(None, description="formula over givens and earlier step ids")
    precision: Precision | int | None = Field(
        None,
        description="typed numbers must be right to this many significant figures (default 3),"
        " or {decimals: N}",
    )
    tolerance: Tolerance = Field(
        default_factory=Tolerance,
        description="legacy ±window for typed numbers, used only when written; prefer precision",
    )
    integer: bool = Field(
        False, description="a count: the answer must be a whole number, exactly right"
    )
    fixed: list[str] = Field(
        default_factory=list,
        description="givens an expression may treat as constants: they keep the lesson's value"
        " when the answer is tested at other values (an initial state of zeros, say)",
    )
    mistakes: list[Mistake] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_rule(self) -> _ValueStep:
        if "tolerance" in self.model_fields_set and (self.precision is not None or self.integer):
            raise ValueError("give `precision` (or `integer`) or the legacy `tolerance`, not both")
        if isinstance(self.precision, int) and not 1 <= self.precision <= 15:
            raise ValueError("`precision` counts significant figures: 1 to 15")
        if self.integer and self.precision is not None:
            raise ValueError("an `integer` step is exact; drop `precision`")
        return self

    @property
    def precision_spec(self) -> Precision:
        if isinstance(self.precision, int):
            return Precision(figures=self.precision)
        return self.precision or Precision()

    @property
    def legacy_tolerance(self) -> bool:
        """True when the author wrote `tolerance:`: typed numbers are judged by that window."""
        return "tolerance" in self.model_fields_set

    def check(self, judges: Judges, text: str) -> CheckResult:
        return judges.judge_value(self, text)


class NumericStep(_ValueStep):
    """The learner types a number, an array or any expression; its value is checked."""

    placeholder: ClassVar[str] = "formula or number; enter checks"

    kind: Literal["numeric"]

    def reveal(self, judges: Judges) -> str:
        return judges.exact(self.id)

    def answer_format(self) -> str:
        if self.integer:
            return "Answer with a whole number, or type the expression."
        if self.legacy_tolerance:
            rtol, atol = self.tolerance.rtol, self.tolerance.atol
            return f"Answers within ±{rtol * 100:g}% (or ±{atol:g}) are accepted."
        spec = self.precision_spec
        if spec.decimals is not None:
            n, unit = spec.decimals, "decimal place"
        else:
            n, unit = spec.figures, "significant figure"
        return f"Give {n} {unit}{'' if n == 1 else 's'}, or type the expression."

    @model_validator(mode="after")
    def _has_reference(self) -> NumericStep:
        if self.quantity is None and self.reference is None:
            raise ValueError("a numeric step needs `quantity:` or `reference:`")
        return self


class FormulaStep(_ValueStep):
    """The learner types an expression; it must be the formula, not just a matching number."""

    formula_only: ClassVar[bool] = True
    placeholder: ClassVar[str] = "formula; enter checks, alt+enter new line"

    kind: Literal["formula"]
    reference: str = Field(description="the formula; compared at the lesson's values and perturbed")
    names: list[str] | None = Field(
        None, description="names the formula may use (default: givens and earlier step ids)"
    )

    def reveal(self, judges: Judges) -> str:
        return " ".join(self.reference.split())

    @property
    def allowed_names(self) -> list[str] | None:
        return self.names


class Choice(_Strict):
    text: str
    correct: bool = False
    feedback: str | None = None


class ChoiceStep(_StepBase):
    """Multiple choice: the learner answers with the letter (a, b, ...), number or text."""

    answered: ClassVar[bool] = True
    offers_choices: ClassVar[bool] = True
    placeholder: ClassVar[str] = "a letter (a, b, ...); enter checks"

    kind: Literal["choice"]
    choices: list[Choice] = Field(min_length=2)

    def check(self, judges: Judges, text: str) -> CheckResult:
        return judges.judge_choice(self, text)

    def reveal(self, judges: Judges) -> str:
        return next(f"{ltr}) {c.text.strip()}" for ltr, c in judges.choices(self.id) if c.correct)

    def listed(self, shown: list[tuple[str, Choice]] | None) -> dict[str, Any]:
        # in the learner's (shuffled) order when known, lettered a, b, ...
        options = [c for _, c in shown] if shown is not None else self.choices
        return {"choices": [c.text for c in options]}

    @model_validator(mode="after")
    def _one_correct(self) -> ChoiceStep:
        right = sum(c.correct for c in self.choices)
        if right != 1:
            raise ValueError(f"exactly one choice must have `correct: true` (found {right})")
        return self


class ExplanationStep(_StepBase):
    """Text only: nothing to answer."""

    placeholder: ClassVar[str] = "enter: go on"
    unanswered: ClassVar[str] = "only text to read"

    kind: Literal["explanation"]


class Ask(_Strict):
    """A job value the learner supplies when a run step starts, such as their data file."""

    key: str = Field(pattern=IDENT, description="the job key the learner's answer fills")
    prompt: str = Field(description="what to ask, e.g. 'Path to the CTA daily ridership CSV'")
    kind: Literal["path", "text", "list"] = Field(
        "text", description="path: an existing file; list: comma-separated values"
    )


RESULT_PATH = r"^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)+(\[-?[0-9]+\])?$"


class PredictionChoice(_Strict):
    text: str
    value: str = Field(
        description="formula over the run's results; the choice whose value is largest "
        "(pick: max) or smallest (pick: min) turns out right"
    )


class Prediction(_Strict):
    """A guess the learner makes before the run, judged by the run's own results."""

    prompt: str = Field(description="Markdown question asked before the run starts")
    pick: Literal["max", "min"] = "max"
    choices: list[PredictionChoice] = Field(min_length=2)


class RunStep(_StepBase):
    """A training or evaluation job the engine runs (engine.jobs.run_job(spec, ...))."""

    runs_job: ClassVar[bool] = True
    placeholder: ClassVar[str] = "enter: train (ctrl+x stops)"
    unanswered: ClassVar[str] = "a job to run, not an answer"

    kind: Literal["run"]
    job: dict[str, Any] = Field(description="spec for engine.jobs.run_job, e.g. {task: sine, ...}")
    ask: list[Ask] = Field(
        default_factory=list,
        description="values the learner supplies before the job starts (a data file, a column)",
    )
    results: dict[str, Annotated[str, Field(pattern=RESULT_PATH)]] = Field(
        default_factory=dict,
        description="names later steps may use, each a number of the finished job: "
        "run.metrics.mae, run.history.train_loss[-1], run.grad_norms[0]",
    )
    predict: Prediction | None = Field(None, description="asked before the run, judged after")

    @model_validator(mode="after")
    def _asks_fill_free_keys(self) -> RunStep:
        for ask in self.ask:
            if ask.key in self.job:
                raise ValueError(f"`ask` key {ask.key!r} is also set in `job`; keep one")
        return self

    @property
    def declared_results(self) -> dict[str, str]:
        return self.results

    def listed(self, shown: list[tuple[str, Choice]] | None) -> dict[str, Any]:
        return {"job": self.job}


# A new kind of step: its class above (what it says about itself), here, its judge (a
# `Judges` method when it is judged a new way), its words in the screens, docs/authoring.md.
STEP_CLASSES = (NumericStep, FormulaStep, ChoiceStep, ExplanationStep, RunStep)
Step = Annotated[
    NumericStep | FormulaStep | ChoiceStep | ExplanationStep | RunStep,
    Field(discriminator="kind"),
]
STEP_KINDS = tuple(get_args(cls.model_fields["kind"].annotation)[0] for cls in STEP_CLASSES)


class Lesson(_Strict):
    """One lesson file."""

    id: str = Field(pattern=SLUG, description="the file name without .yaml")
    title: str
    summary: str
    group: Literal["by-hand", "training", "forecasting"]
    order: int | None = Field(
        None, ge=0, description="position in the curriculum (1, 2, ...); unordered lessons last"
    )
    prerequisites: list[str] = Field(default_factory=list)
    givens: dict[str, Any] = Field(
        default_factory=dict,
        description="name: number, nested list, or {random: {...}}",
    )
    model: Model | None = None
    derived: dict[str, str | Derived] = Field(
        default_factory=dict,
        description="values shown, not asked: name: quantity (h1, dz1) or {reference: formula}",
    )
    steps: list[Step] = Field(min_length=1)

    _source: str | None = PrivateAttr(None)

    @property
    def source(self) -> str | None:
        """The file this lesson was read from, if any."""
        return self._source

    def step(
        self, step_id: str
    ) -> NumericStep | FormulaStep | ChoiceStep | ExplanationStep | RunStep:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)


def lesson_json_schema() -> dict[str, Any]:
    """The JSON Schema editors use to validate lesson YAML as authors type."""
    schema = Lesson.model_json_schema()
    random_given = RandomGiven.model_json_schema()
    schema["$defs"].update(random_given.pop("$defs", {}))
    schema["$defs"]["RandomGiven"] = random_given
    schema["properties"]["givens"]["additionalProperties"] = {
        "anyOf": [{"type": "number"}, {"type": "array"}, {"$ref": "#/$defs/RandomGiven"}]
    }
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "lstm-tutor lesson"
    return schema
