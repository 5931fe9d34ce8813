"""Practice over HTTP: an exercise for a level and a seed, the check of a student's answers,
and the practice page (``/practice?seed=123&level=3``).

Stateless like the rest: the seed alone names the exercise, so a check carries level and seed.
"""

import re
from typing import Annotated, Literal, Self

from fastapi import APIRouter, HTTPException, Path, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from app import pages, practice
from app.headers import content_security_policy, script_hash
from app.schemas import (
    MAX_ITERATION,
    Count,
    ExampleStateRequest,
    InvalidRequest,
    NamedMistake,
    Refused,
    State,
    Value,
)

# --- Requests and answers -----------------------------------------------------------------

LEVEL_TEXT = "the rung of the ladder, 1 to 4"
SEED_TEXT = f"0 <= seed < {practice.SEED_LIMIT}"
Language = Literal["en", "zh-Hans", "zh-Hant"]


def _digits(value: object) -> object:
    """A path's number is written in digits: 2.0 or 1e3 is no level or seed."""
    if isinstance(value, str) and not re.fullmatch(r"-?[0-9]{1,12}", value):
        raise ValueError("must be a whole number written in digits")
    return value


Digits = BeforeValidator(_digits)


class Ask(BaseModel):
    id: str = Field(description="the key of its answer in a check, e.g. dE_dw5 or w5_new")
    label: str = Field(description="the quantity in the worked example's notation: ∂E_total/∂w5")
    decimals: int = Field(description="how many decimals the answer is asked to")


class ExerciseResponse(BaseModel):
    model_config = ConfigDict(allow_inf_nan=False)
    state: State = Field(description="the exercise's network, as /api/step takes it")
    asks: list[Ask] = Field(description="the quantities to compute, in the order of the chain")
    decimals: int = Field(
        description="how many decimals every answer is asked to: the right value rounded to "
        "them, or worked out with every intermediate value rounded to them, counts as right"
    )


class Catalogue(BaseModel):
    mistakes: list[NamedMistake] = Field(description="every mistake a check may name, in order")


class CheckRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        allow_inf_nan=False,
        json_schema_extra={
            "examples": [{"level": 2, "seed": 123, "answers": {"dE_dw5": 0.0102}, "language": "en"}]
        },
    )
    level: Count = Field(ge=1, le=4, description=LEVEL_TEXT)
    seed: Count = Field(ge=0, lt=practice.SEED_LIMIT, description=SEED_TEXT)
    answers: dict[str, Value] = Field(
        min_length=1,
        description="the student's numbers by quantity, at least one: the exercise's asks, or "
        "any other quantity of the ladder (the network depends on the seed alone)",
        json_schema_extra={"propertyNames": {"enum": list(practice.ANSWER_IDS)}},
    )
    language: Language = "en"

    @model_validator(mode="after")
    def only_quantities_of_the_ladder(self) -> Self:
        for answer_id in self.answers:
            if answer_id not in practice.ANSWER_IDS:
                raise PydanticCustomError(
                    "not_asked",
                    "no exercise asks {id}; the quantities are {ids}",
                    {
                        "field": f"answers.{answer_id}",
                        "id": answer_id,
                        "ids": ", ".join(practice.ANSWER_IDS),
                    },
                )
        return self


class Result(BaseModel):
    id: str
    correct: bool
    misconception: str | None = Field(
        description="the first of misconceptions (e.g. sign_error), null when there is none"
    )
    misconceptions: list[str] = Field(
        description="every named mistake that gives this answer (two may give the same "
        "number), or [rounding] for an answer a little further off than the decimals allow"
    )
    substeps: list[str] = Field(
        description="for each of misconceptions, the sub-step of the main page's walk that "
        "explains it, e.g. paths-h1 ('' for rounding)"
    )
    message: str = Field(description="the verdict in the language asked, with a hint if wrong")
    decimals: int = Field(description="the decimals this answer was judged at")


class CheckResponse(BaseModel):
    results: list[Result] = Field(description="one per submitted answer, in the order sent")


class PollChoice(BaseModel):
    model_config = ConfigDict(allow_inf_nan=False)
    value: float = Field(description="the number this choice shows")
    mistake: str | None = Field(
        description="the named mistake (a code of the catalogue) that gives it; null for the "
        "right value"
    )


class Poll(BaseModel):
    quantity: str = Field(
        description="what the sub-step computes, as a poll's question names it: delta_o1, "
        "dE_dout_h1, delta_h1, gradient_w5, new_w5"
    )
    choices: list[PollChoice] = Field(
        description="the right value first, then each offered mistake's, each value once"
    )


class ChoicesResponse(BaseModel):
    iteration: int = Field(description="the iteration the step of this state makes")
    polls: dict[str, Poll] = Field(
        description="by sub-step of the walk (delta-o1, paths-h1, delta-h1, gradient-w5, "
        "updates): what a poll there offers; a sub-step where fewer than two distinct values "
        "remain is left out"
    )


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


@api.get("/mistakes", response_model=Catalogue)
async def mistakes() -> Catalogue:
    """Every mistake a check may name, with its name in each language (also in /api/network)."""
    return Catalogue.model_validate({"mistakes": practice.catalogue()})


@api.get("/{level}/{seed}", response_model=ExerciseResponse)
async def exercise(
    level: Annotated[int, Path(ge=1, le=4, description=LEVEL_TEXT), Digits],
    seed: Annotated[int, Path(ge=0, lt=practice.SEED_LIMIT, description=SEED_TEXT), Digits],
) -> ExerciseResponse:
    """A fresh network drawn from ``seed``, the quantities ``level`` asks of it, and the
    decimals it asks them to."""
    drawn = practice.exercise(level, seed)
    asks = [
        Ask(id=answer_id, label=practice.label(answer_id), decimals=drawn.decimals)
        for answer_id in drawn.asks
    ]
    return ExerciseResponse(
        state=State.model_validate(drawn.state), asks=asks, decimals=drawn.decimals
    )


@api.post("/check", response_model=CheckResponse)
async def check(request: CheckRequest) -> CheckResponse:
    """Judge each answer: correct, the named mistakes that give it, a rounding slip, or wrong
    with the factor to check next."""
    verdicts = practice.check(request.level, request.seed, request.answers, request.language)
    return CheckResponse(
        results=[
            Result(
                id=v.id,
                correct=v.correct,
                misconception=v.misconception,
                misconceptions=list(v.misconceptions),
                substeps=list(v.substeps),
                message=v.message,
                decimals=v.decimals,
            )
            for v in verdicts
        ]
    )


@api.post(
    "/choices",
    response_model=ChoicesResponse,
    responses={409: {"model": Refused, "description": "The iteration cannot advance"}},
)
async def choices(request: ExampleStateRequest) -> ChoicesResponse:
    """What a live class's poll offers at each sub-step of the walk of one step of ``state``:
    the right value and the values the catalogue's named mistakes give instead."""
    state = request.state.model_dump()
    if state["iteration"] >= MAX_ITERATION:
        raise HTTPException(
            status_code=409,
            detail=f"state.iteration: {state['iteration']} is the last iteration a state may "
            "reach; reset it",
        )
    return ChoicesResponse.model_validate(practice.poll_choices(state))


page = APIRouter(include_in_schema=False)


@page.get("/practice", response_class=HTMLResponse)
def practice_page(request: Request) -> HTMLResponse:
    """The practice page; the exercise itself is read from the query by the page's script."""

    def versioned(relative: str) -> str:
        return pages.versioned_url(request, relative)

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
            "network_definition": practice.definition(),
        },
    )
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Content-Security-Policy"] = content_security_policy([script_hash(import_map)])
    return response


router = APIRouter()
router.include_router(api)
router.include_router(page)
