// The lesson's controls: sub-steps through one iteration (one /api/step, unfolded in the worked
// example's order), predictions, and the history timeline. The walk lives in the page state;
// this module asks for its changes and decides what the diagram shows while one is under way.

import { change, state } from "../state/store.js";
import { earliest, latest, recall } from "../state/history.js";
import { t } from "../i18n/index.js";
import { askedAt } from "../views/predict.js";
import { buildSubsteps, createSubstepPanel } from "../views/substeps.js";

const RECALLED = 64; // iterations recalled from the server and kept for going back and forth

/** The sub-steps of the walk in `page` (built once per set of options). */
const stepsOf = (() => {
  const built = new Map();
  return (walk) => {
    const key = JSON.stringify(walk.sent.options);
    if (!built.has(key)) built.set(key, buildSubsteps(walk.sent.options));
    return built.get(key);
  };
})();

export function createTeaching({ api, enqueue, drawn, commit, stopPlaying }) {
  const $ = (id) => document.getElementById(id);
  const next = $("substep-next");
  const back = $("substep-back");
  const asking = $("predict-toggle");
  const slider = $("history-slider");
  const sliderText = $("history-text");
  const cardsPanel = document.querySelector(".cards-panel");
  let wanted = null; // the iteration the timeline was dragged to
  const recalled = new Map();
  const network = () => state().network;

  const panel = createSubstepPanel($("substeps"), $("diagram"), {
    onAnswer: (question, choice) => change({ type: "walkAnswered", question, choice }),
  });

  next.addEventListener("click", () => nextSubstep());
  back.addEventListener("click", () => goBack());
  asking.addEventListener("change", () => change({ type: "settingsChanged", settings: { asking: asking.checked } }));
  slider.addEventListener("input", () => seek(Number(slider.value)));

  /** Before the network moves on from the iteration shown: leave a walk, forget later iterations. */
  function prepareToAdvance() {
    change({ type: "walkLeft" });
    forgetLater();
  }

  /** Forget the iterations after the one shown, keeping that one as a checkpoint. */
  function forgetLater() {
    change({ type: "laterForgotten" });
    const now = network().state.iteration;
    for (const k of recalled.keys()) if (k > now) recalled.delete(k);
  }

  function currentQuestion() {
    const { walk, settings } = state();
    if (!walk || !settings.asking) return null;
    const question = askedAt(stepsOf(walk)[walk.index].id);
    return question && !(question in walk.answers) ? question : null;
  }

  /** → : the next sub-step; from a whole iteration, ask the server for the next one first. */
  function nextSubstep() {
    stopPlaying();
    enqueue(async () => {
      const { walk } = state();
      if (!walk) {
        // later iterations are forgotten only once this one is done (finish, commit)
        const sent = network().state;
        const result = await api.step(sent);
        if (result.diverged) {
          forgetLater();
          return commit(sent, result);
        }
        change({ type: "walkStarted", sent, result });
      } else {
        const question = currentQuestion();
        if (question) change({ type: "walkAnswered", question, choice: null }); // shown without an answer
        else if (walk.index < stepsOf(walk).length - 1) change({ type: "walkMoved", index: walk.index + 1 });
        else return finish();
      }
      await drawn();
    });
  }

  async function finish() {
    const { sent, result } = state().walk;
    change({ type: "walkLeft" });
    forgetLater();
    await commit(sent, result);
  }

  /** Open sub-step `id` of the walk (walking the iteration shown if none is under way): what
   * the class's practice dashboard does to explain a mistake on the projector. */
  function openSubstep(id) {
    stopPlaying();
    enqueue(async () => {
      if (!state().walk) {
        const sent = network().state;
        const result = await api.step(sent);
        if (result.diverged) return;
        change({ type: "walkStarted", sent, result });
      }
      const index = stepsOf(state().walk).findIndex((step) => step.id === id);
      if (index >= 0) change({ type: "walkMoved", index });
      await drawn();
    });
  }

  /** Shift+→ or Step: the rest of the iteration at once (a walk needs no second request). */
  function fullStep(advance) {
    stopPlaying();
    enqueue(() => (state().walk ? finish() : advance()));
  }

  /** ← : one sub-step back; outside a walk, one iteration back. */
  function goBack() {
    stopPlaying();
    if (state().walk) {
      enqueue(async () => {
        const { walk } = state();
        if (!walk) return;
        change({ type: "walkMoved", index: walk.index - 1 });
        await drawn();
      });
      return;
    }
    const k = network().state.iteration;
    if (k > earliest(state().history)) seek(k - 1);
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
        if (target === network().state.iteration && !state().walk) {
          wanted = null;
          break;
        }
        let view = recalled.get(target);
        if (!view) {
          view = await recall(state().history, target, api);
          recalled.set(target, view);
          if (recalled.size > RECALLED) recalled.delete(recalled.keys().next().value);
        }
        change({ type: "shown", view });
        if (wanted === target) wanted = null;
        await drawn();
      }
    }).finally(() => {
      wanted = null;
    });
  }

  /** What the diagram shows during the walk of `page` (null outside one). */
  function view(page) {
    const { walk } = page;
    if (!walk) return null;
    const step = stepsOf(walk)[walk.index];
    return {
      state: step.showsAfter ? walk.result.state : walk.sent,
      forward: walk.result.trace.forward,
      last: { sent: walk.sent, trace: walk.result.trace, diverged: null },
    };
  }

  /** Draw the lesson's parts for `page`: the sub-step panel, the timeline, the buttons. */
  function show(page, { digits }) {
    const { walk, settings, history } = page;
    document.body.classList.toggle("walking", Boolean(walk));
    cardsPanel.hidden = Boolean(walk);
    if (walk) {
      const { sent, result, index, answers } = walk;
      panel.show({
        steps: stepsOf(walk), index, sent, result, trace: result.trace, after: result.state, loss: result.loss,
        answers, asking: settings.asking,
      }, { digits });
    } else {
      panel.hide();
    }
    asking.checked = settings.asking;
    const k = page.network.state.iteration;
    const [first, last] = [earliest(history), latest(history)];
    slider.min = String(first);
    slider.max = String(Math.max(last, first));
    slider.value = String(k);
    slider.disabled = last <= first;
    const [shown, done] = [k.toLocaleString("en-US"), last.toLocaleString("en-US")];
    slider.setAttribute("aria-valuetext", t("history.position", { k: shown, n: done }));
    sliderText.textContent = `${shown} / ${done}`;
    back.disabled = !walk && k <= first;
    next.setAttribute("aria-describedby", "substeps");
  }

  return {
    view,
    show,
    nextSubstep,
    openSubstep,
    fullStep,
    goBack,
    seek,
    prepareToAdvance,
    cancel() {
      recalled.clear();
    },
  };
}
