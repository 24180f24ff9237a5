"use strict";
/* The changelist's actions bar, as Django's actions.js makes it: a live
   count of the ticked rows ("3 of 100 selected"), the offer to select
   every row across the pages once the whole page is ticked ("Select all
   150 Addresses" → "All 150 selected", "Clear selection"), which sets the
   form's select_across, shift-click to tick a range, and ticked rows
   highlighted. Without this script the checkboxes and "Go" work alone,
   on the rows ticked. */
(function () {
  function show(el, on) {
    if (el) {
      el.hidden = !on;
    }
  }

  function init() {
    const form = document.getElementById("changelist-form");
    if (!form) {
      return;
    }
    const boxes = Array.from(form.querySelectorAll("tr input.action-select"));
    const bar = form.querySelector(".actions");
    if (!boxes.length || !bar) {
      return;
    }
    const toggle = document.getElementById("action-toggle");
    const counter = bar.querySelector(".action-counter");
    const all = bar.querySelector(".all");
    const question = bar.querySelector(".question");
    const clear = bar.querySelector(".clear");
    const across = bar.querySelector("input.select-across");
    let lastChecked = null;
    let editsChanged = false;

    function mark(box, checked) {
      box.checked = checked;
      box.closest("tr").classList.toggle("selected", checked);
    }
    function showQuestion() {
      show(clear, false);
      show(question, true);
      show(all, false);
    }
    function showClear() {
      show(clear, true);
      show(question, false);
      bar.classList.add("selected");
      show(all, true);
      show(counter, false);
    }
    function reset() {
      show(clear, false);
      show(question, false);
      show(all, false);
      show(counter, true);
    }
    function clearAcross() {
      reset();
      if (across) {
        across.value = "0";
      }
      bar.classList.remove("selected");
    }
    function updateCounter() {
      const selected = boxes.filter(function (b) { return b.checked; }).length;
      if (counter) {
        counter.textContent = selected + " of " + counter.dataset.actionsIcnt + " selected";
      }
      const everyRow = selected === boxes.length;
      if (toggle) {
        toggle.checked = everyRow;
      }
      if (everyRow) {
        showQuestion();
      } else {
        clearAcross();
      }
    }

    show(counter, true);
    // Rows ticked before (the browser restores them on "back").
    boxes.forEach(function (b) { mark(b, b.checked); });
    if (boxes.some(function (b) { return b.checked; })) {
      updateCounter();
      if (across && across.value === "1") {
        showClear();
      }
    }

    if (toggle) {
      toggle.addEventListener("click", function () {
        boxes.forEach(function (b) { mark(b, toggle.checked); });
        updateCounter();
      });
    }
    function onButton(link, handler) {
      if (!link) {
        return;
      }
      link.addEventListener("click", function (event) {
        event.preventDefault();
        handler();
      });
      // A link playing a button answers the space bar as a button does.
      link.addEventListener("keydown", function (event) {
        if (event.key === " ") {
          event.preventDefault();
          handler();
        }
      });
    }
    onButton(question && question.querySelector("a"), function () {
      if (across) {
        across.value = "1";
      }
      showClear();
      const back = clear && clear.querySelector("a");
      if (back) {
        back.focus();
      }
    });
    onButton(clear && clear.querySelector("a"), function () {
      boxes.forEach(function (b) { mark(b, false); });
      clearAcross();
      updateCounter();
      if (toggle) {
        toggle.focus();
      }
    });

    boxes.forEach(function (box) {
      box.addEventListener("click", function (event) {
        if (lastChecked && lastChecked !== box && event.shiftKey) {
          const from = boxes.indexOf(lastChecked);
          const to = boxes.indexOf(box);
          boxes.slice(Math.min(from, to), Math.max(from, to) + 1).forEach(function (b) { mark(b, box.checked); });
        }
        mark(box, box.checked);
        lastChecked = box;
        updateCounter();
      });
    });

    // list_editable: warn before an action drops edits, or a save ignores
    // the action chosen, in Django's words.
    form.querySelectorAll("#result_list td.editable").forEach(function (td) {
      td.addEventListener("change", function () { editsChanged = true; });
    });
    const go = form.querySelector('button[name="index"]');
    if (go) {
      go.addEventListener("click", function (event) {
        if (editsChanged && !window.confirm("You have unsaved changes on individual editable fields. If you run an action, your unsaved changes will be lost.")) {
          event.preventDefault();
        }
      });
    }
    const save = form.querySelector('input[name="_save"]');
    const action = bar.querySelector('select[name="action"]');
    if (save && action) {
      save.addEventListener("click", function (event) {
        if (!action.value) {
          return;
        }
        const message = editsChanged ?
          "You have selected an action, but you haven’t saved your changes to individual fields yet. Please click OK to save. You’ll need to re-run the action." :
          "You have selected an action, and you haven’t made any changes on individual fields. You’re probably looking for the Go button rather than the Save button.";
        if (!window.confirm(message)) {
          event.preventDefault();
        }
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
