// The lesson's controls: sub-steps through one iteration (one /api/step, unfolded in the worked
// example's order), predictions, and the history timeline. The controller hands in the model and
// what it can do; this module decides what the page shows while a lesson is under way.

import { recall } from "./history.js";
import { t } from "./i18n.js";
import { askedAt } from "./predict.js";
import { buildSubsteps, createSubstepPanel } from "./substeps.js";

const RECALLED = 64; // iterations recalled from the server and kept for going back and forth

export function createTeaching({ model, api, enqueue, render, commit, stopPlaying, save }) {
  const $ = (id) => document.getElementById(id);
  const next = $("substep-next");
  const back = $("substep-back");
  const asking = $("predict-toggle");
  const slider = $("history-slider");
  const sliderText = $("history-text");
  const cardsPanel = document.querySelector(".cards-panel");
  let walk = null; // {steps, index, sent, trace, after, loss, result, answers}
  let wanted = null; // the iteration the timeline was dragged to
  const recalled = new Map();

  const panel = createSubstepPanel($("substeps"), $("diagram"), {
    onAnswer: (question, choice) => {
      if (!walk) return;
      walk.answers.set(question, choice);
      enqueue(() => render({ flash: false }));
    },
  });

  next.addEventListener("click", () => nextSubstep());
  back.addEventListener("click", () => goBack());
  asking.addEventListener("change", () => {
    model.asking = asking.checked;
    save(true);
    enqueue(() => render({ flash: false }));
  });
  slider.addEventListener("input", () => seek(Number(slider.value)));

  /** Before the network moves on from the iteration shown: leave a walk, forget later iterations. */
  function prepareToAdvance() {
    walk = null;
    forgetLater();
  }

  /** Forget the iterations after the one shown, keeping that one as a checkpoint. */
  function forgetLater() {
    const now = model.state.iteration;
    if (now >= model.history.latest) return;
    model.history.truncate(now);
    if (model.history.latest < now) model.history.record(model.state);
    model.curve.truncate(now);
    for (const k of recalled.keys()) if (k > now) recalled.delete(k);
  }

  function currentQuestion() {
    if (!walk || !model.asking) return null;
    const question = askedAt(walk.steps[walk.index].id);
    return question && !walk.answers.has(question) ? question : null;
  }

  /** → : the next sub-step; from a whole iteration, ask the server for the next one first. */
  function nextSubstep() {
    stopPlaying();
    enqueue(async () => {
      if (!walk) {
        // later iterations are forgotten only once this one is done (finish, commit)
        const sent = model.state;
        const result = await api.step(sent);
        if (result.diverged) {
          forgetLater();
          return commit(sent, result);
        }
        walk = {
          steps: buildSubsteps(sent.options), index: 0, sent, result,
          trace: result.trace, after: result.state, loss: result.loss, answers: new Map(),
        };
      } else {
        const question = currentQuestion();
        if (question) walk.answers.set(question, null); // shown without an answer
        else if (walk.index < walk.steps.length - 1) walk.index += 1;
        else return finish();
      }
      await render({ flash: false });
    });
  }

  async function finish() {
    const { sent, result } = walk;
    walk = null;
    forgetLater();
    await commit(sent, result);
  }

  /** Shift+→ or Step: the rest of the iteration at once (a walk needs no second request). */
  function fullStep(advance) {
    stopPlaying();
    enqueue(() => (walk ? finish() : advance()));
  }

  /** ← : one sub-step back; outside a walk, one iteration back. */
  function goBack() {
    stopPlaying();
    if (walk) {
      enqueue(async () => {
        if (!walk) return;
        if (walk.index > 0) walk.index -= 1;
        else walk = null;
        await render({ flash: false });
      });
      return;
    }
    const k = model.state.iteration;
    if (k > model.history.earliest) seek(k - 1);
  }

  /** Show iteration `k` of the history; drags are coalesced to the latest position. */
  function seek(k) {
    stopPlaying();
    const already = wanted !== null;
    wanted = k;
    if (already) return;
    enqueue(async () => {
      while (wanted !== null) {
        const target = wanted;
        if (target === model.state.iteration && !walk) {
          wanted = null;
          break;
        }
        walk = null;
        let view = recalled.get(target);
        if (!view) {
          view = await recall(model.history, target, api);
          recalled.set(target, view);
          if (recalled.size > RECALLED) recalled.delete(recalled.keys().next().value);
        }
        Object.assign(model, { state: view.state, forward: view.forward, loss: view.loss, last: view.last });
        if (wanted === target) wanted = null;
        await render({ flash: false });
      }
      save(true);
    }).finally(() => {
      wanted = null;
    });
  }

  /** What the diagram shows during a walk (null otherwise). */
  function view() {
    if (!walk) return null;
    const step = walk.steps[walk.index];
    return {
      state: step.showsAfter ? walk.after : walk.sent,
      forward: walk.trace.forward,
      last: { sent: walk.sent, trace: walk.trace, diverged: null },
    };
  }

  /** Draw the lesson's parts: the sub-step panel, the timeline, the buttons. */
  function show({ digits }) {
    document.body.classList.toggle("walking", Boolean(walk));
    cardsPanel.hidden = Boolean(walk);
    if (walk) panel.show({ ...walk, asking: model.asking }, { digits });
    else panel.hide();
    asking.checked = model.asking;
    const k = model.state.iteration;
    const { earliest, latest } = model.history;
    slider.min = String(earliest);
    slider.max = String(Math.max(latest, earliest));
    slider.value = String(k);
    slider.disabled = latest <= earliest;
    const [shown, done] = [k.toLocaleString("en-US"), latest.toLocaleString("en-US")];
    slider.setAttribute("aria-valuetext", t("history.position", { k: shown, n: done }));
    sliderText.textContent = `${shown} / ${done}`;
    back.disabled = !walk && k <= earliest;
    next.setAttribute("aria-describedby", "substeps");
  }

  return {
    view,
    show,
    nextSubstep,
    fullStep,
    goBack,
    seek,
    prepareToAdvance,
    walking: () => Boolean(walk),
    /** The iteration being unfolded ({sent, trace, after, loss}), or null. */
    current: () => (walk ? { sent: walk.sent, trace: walk.trace, after: walk.after, loss: walk.loss } : null),
    cancel() {
      walk = null;
      recalled.clear();
    },
  };
}
