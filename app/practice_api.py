"""Practice over HTTP: an exercise for a level and a seed, the check of a student's answers,
and the practice page (``/practice?seed=123&level=3``).

Stateless like the rest: the seed alone names the exercise, so a check carries level and seed.
"""

from typing import Annotated, Literal, Self

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from app import network, pages, practice
from app.headers import content_security_policy, script_hash
from app.schemas import Count, InvalidRequest, Refused, State, Value

# --- Requests and answers -----------------------------------------------------------------

Level = Annotated[Count, Field(ge=1, le=4, description="the rung of the ladder, 1 to 4")]
Seed = Annotated[
    Count,
    Field(ge=0, lt=practice.SEED_LIMIT, description=f"0 <= seed < {practice.SEED_LIMIT}"),
]
Language = Literal["en", "zh-Hans", "zh-Hant"]


class Ask(BaseModel):
    id: str = Field(description="the key of its answer in a check, e.g. dE_dw5 or w5_new")
    label: str = Field(description="the quantity in the worked example's notation: ∂E_total/∂w5")


class ExerciseResponse(BaseModel):
    model_config = ConfigDict(allow_inf_nan=False)
    state: State = Field(description="the exercise's network, as /api/step takes it")
    asks: list[Ask] = Field(description="the quantities to compute, in the order of the chain")


class CheckRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        allow_inf_nan=False,
        json_schema_extra={
            "examples": [{"level": 2, "seed": 123, "answers": {"dE_dw5": 0.0102}, "language": "en"}]
        },
    )
    level: Level
    seed: Seed
    answers: dict[str, Value] = Field(
        min_length=1,
        description="the student's numbers by ask id; any of the exercise's asks, at least one",
        json_schema_extra={"propertyNames": {"enum": list(practice.ANSWER_IDS)}},
    )
    language: Language = "en"

    @model_validator(mode="after")
    def only_what_the_exercise_asks(self) -> Self:
        asks = practice.exercise(self.level, self.seed).asks
        for answer_id in self.answers:
            if answer_id not in asks:
                raise PydanticCustomError(
                    "not_asked",
                    "this exercise does not ask {id}; it asks {asks}",
                    {"field": f"answers.{answer_id}", "id": answer_id, "asks": ", ".join(asks)},
                )
        return self


class Result(BaseModel):
    id: str
    correct: bool
    misconception: str | None = Field(
        description="the named mistake the answer matches (e.g. sign_error), null otherwise"
    )
    message: str = Field(description="the verdict in the language asked, with a hint if wrong")


class CheckResponse(BaseModel):
    results: list[Result] = Field(description="one per submitted answer, in the order sent")


# --- Routes -------------------------------------------------------------------------------

api = APIRouter(
    prefix="/api/practice",
    tags=["practice"],
    responses={
        400: {"model": Refused, "description": "The body is not UTF-8 text"},
        413: {"model": Refused, "description": "The body is larger than 64 KiB"},
        422: {
            "model": InvalidRequest,
            "description": "The request is malformed; each problem names its field",
        },
    },
)


@api.get("/{level}/{seed}", response_model=ExerciseResponse)
async def exercise(
    level: Annotated[int, Path(ge=1, le=4, description="the rung of the ladder, 1 to 4")],
    seed: Annotated[
        int, Path(ge=0, lt=practice.SEED_LIMIT, description=f"0 <= seed < {practice.SEED_LIMIT}")
    ],
) -> ExerciseResponse:
    """A fresh network drawn from ``seed`` and the quantities ``level`` asks of it."""
    drawn = practice.exercise(level, seed)
    asks = [Ask(id=answer_id, label=practice.label(answer_id)) for answer_id in drawn.asks]
    return ExerciseResponse(state=State.model_validate(drawn.state), asks=asks)


@api.post("/check", response_model=CheckResponse)
async def check(request: CheckRequest) -> CheckResponse:
    """Judge each answer: correct, a named mistake, or wrong with the factor to check next."""
    verdicts = practice.check(request.level, request.seed, request.answers, request.language)
    return CheckResponse(
        results=[
            Result(id=v.id, correct=v.correct, misconception=v.misconception, message=v.message)
            for v in verdicts
        ]
    )


page = APIRouter(include_in_schema=False)


@page.get("/practice", response_class=HTMLResponse)
def practice_page(request: Request) -> HTMLResponse:
    """The practice page; the exercise itself is read from the query by the page's script."""

    def versioned(relative: str) -> str:
        return f"{request.url_for('static', path=relative).path}?v={pages.asset_version(relative)}"

    import_map = pages.import_map_of(request)
    seed = request.query_params.get("seed", "")
    if not (seed.isdigit() and int(seed) < practice.SEED_LIMIT):
        seed = "0"  # the page draws a seed of its own and mends the links
    response = pages.templates.TemplateResponse(
        request,
        "practice.html",
        {
            "versioned": versioned,
            "import_map": import_map,
            "levels": practice.LEVELS,
            "seed": int(seed),
            # the page's modules read the network's names and bounds from it (not executed)
            "network_definition": network.definition(),
        },
    )
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Content-Security-Policy"] = content_security_policy([script_hash(import_map)])
    return response


router = APIRouter()
router.include_router(api)
router.include_router(page)
